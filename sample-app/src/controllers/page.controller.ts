/**
 * The blog's HTML pages: the post list, one post, and the form to write one
 * (GET shows it, an invalid POST re-renders it with errors, a valid POST redirects).
 */
import { Get, Http404, HttpRequest, Post, redirect, render, reverse, Route, validateForm } from 'rondo';
import { PostService } from '../services/post-service';
import { NewPostDto } from './post-dto';

@Route('', { name: 'blog' })
export class PageController {
  constructor(private readonly posts: PostService) {}

  @Get('/', { name: 'home' })
  home(request: HttpRequest) {
    return render(request, 'posts/list.ejs', { posts: this.posts.all() });
  }

  @Get('/posts/<int:id>', { name: 'post' })
  post(request: HttpRequest, params: { id: number }) {
    const post = this.posts.find(params.id);
    if (!post) throw new Http404(`No post with id ${params.id}`);
    return render(request, 'posts/detail.ejs', { post });
  }

  @Get('/posts/new', { name: 'new' })
  newForm(request: HttpRequest) {
    return render(request, 'posts/form.ejs', { form: { values: {}, errors: {} } });
  }

  @Post('/posts/new')
  async create(request: HttpRequest) {
    const form = await validateForm(request, NewPostDto);
    if (!form.isValid) return render(request, 'posts/form.ejs', { form }, { status: 400 });
    const post = this.posts.create(form.data);
    request.messages.success(`Published “${post.title}”`);
    return redirect(reverse('blog:post', { id: post.id }));
  }
}
