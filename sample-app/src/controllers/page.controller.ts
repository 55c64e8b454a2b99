/**
 * The blog's HTML pages: the post list and one post.
 */
import { Get, Http404, HttpRequest, reverse, Route } from 'rondo';
import { PostService } from '../services/post-service';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body>${body}</body></html>`;
}

@Route('', { name: 'blog' })
export class PageController {
  constructor(private readonly posts: PostService) {}

  @Get('/', { name: 'home' })
  home() {
    const items = this.posts.all()
      .map((p) => `<li><a href="${reverse('blog:post', { id: p.id })}">${escape(p.title)}</a></li>`)
      .join('');
    return page('Rondo blog', `<h1>Rondo blog</h1><ul>${items}</ul>`);
  }

  @Get('/posts/<int:id>', { name: 'post' })
  post(request: HttpRequest, params: { id: number }) {
    const post = this.posts.find(params.id);
    if (!post) throw new Http404(`No post with id ${params.id}`);
    return page(post.title, `<h1>${escape(post.title)}</h1><p>${escape(post.body)}</p><a href="${reverse('blog:home')}">All posts</a>`);
  }
}
