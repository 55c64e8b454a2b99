/**
 * The blog's HTML pages: the article list (paginated), one article with its comments, and
 * the forms to write, edit and delete one (only its author may) and to comment. Accounts
 * (sign-up, login, logout, password change and reset) come from rondo/auth's pages.
 */
import {
  Get,
  HttpRequest,
  LoginRequired,
  Param,
  PermissionDenied,
  Post,
  Query,
  Req,
  Route,
  User,
  redirect,
  render,
  reverse,
  validateForm,
} from 'rondo';
import { ArticleForm, CommentForm } from '../dtos/article-form';
import type { Member } from '../models/member';
import { BlogService } from '../services/blog-service';

const PAGE_SIZE = 10;
const MAX_PAGE = 100_000;
const blank = () => ({ values: {}, errors: {}, nonFieldErrors: [] });
const tagsOf = (text = '') => text.split(/[\s,]+/).filter(Boolean);

@Route('', { name: 'blog' })
export class PagesController {
  constructor(private readonly blog: BlogService) {}

  @Get('/', { name: 'home' })
  async home(@Req() request: HttpRequest, @Query('page') pageText?: string) {
    // A page that is not a whole number from 1 to MAX_PAGE is the first (no offset the database refuses).
    const page = /^[1-9][0-9]{0,5}$/.test(pageText ?? '') ? Math.min(Number(pageText), MAX_PAGE) : 1;
    const { articles, articlesCount } = await this.blog.list({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    return render(request, 'articles/list.ejs', {
      articles,
      page,
      pages: Math.max(1, Math.ceil(articlesCount / PAGE_SIZE)),
    });
  }

  @Get('/articles/new', { name: 'new' })
  @LoginRequired()
  newForm(@Req() request: HttpRequest) {
    return render(request, 'articles/form.ejs', { form: blank(), article: undefined });
  }

  @Post('/articles/new')
  @LoginRequired()
  async create(@Req() request: HttpRequest, @User() me: Member) {
    const form = await validateForm(request, ArticleForm);
    if (!form.isValid) return render(request, 'articles/form.ejs', { form, article: undefined }, { status: 400 });
    const article = await this.blog.create(me, { ...form.data, tagList: tagsOf(form.data.tags) });
    request.messages.success(`Published “${article.title}”`);
    return redirect(reverse('blog:article', { slug: article.slug }));
  }

  @Get('/articles/<slug:slug>/', { name: 'article' })
  async detail(@Req() request: HttpRequest, @Param('slug') slug: string, @User() me: Member) {
    const article = await this.blog.find(slug);
    const viewer = me.isAuthenticated ? me : undefined;
    return render(request, 'articles/detail.ejs', {
      article: await this.blog.view(article, viewer),
      comments: await this.blog.commentsOf(slug, viewer),
      mine: viewer?.id === article.author.id,
      form: blank(),
    });
  }

  @Get('/articles/<slug:slug>/edit', { name: 'edit' })
  @LoginRequired()
  async editForm(@Req() request: HttpRequest, @Param('slug') slug: string, @User() me: Member) {
    const article = await this.own(slug, me);
    const values = {
      title: article.title,
      description: article.description,
      body: article.body,
      tags: article.tagList.join(', '),
    };
    return render(request, 'articles/form.ejs', { form: { ...blank(), values }, article });
  }

  @Post('/articles/<slug:slug>/edit')
  @LoginRequired()
  async edit(@Req() request: HttpRequest, @Param('slug') slug: string, @User() me: Member) {
    const article = await this.own(slug, me);
    const form = await validateForm(request, ArticleForm);
    if (!form.isValid) return render(request, 'articles/form.ejs', { form, article }, { status: 400 });
    const saved = await this.blog.update(me, article.slug, { ...form.data, tagList: tagsOf(form.data.tags) });
    request.messages.success('Saved');
    return redirect(reverse('blog:article', { slug: saved.slug }));
  }

  @Post('/articles/<slug:slug>/delete', { name: 'delete' })
  @LoginRequired()
  async remove(@Req() request: HttpRequest, @Param('slug') slug: string, @User() me: Member) {
    const article = await this.own(slug, me);
    await this.blog.remove(me, article.slug);
    request.messages.success(`Deleted “${article.title}”`);
    return redirect(reverse('blog:home'));
  }

  @Post('/articles/<slug:slug>/comments', { name: 'comment' })
  @LoginRequired()
  async comment(@Req() request: HttpRequest, @Param('slug') slug: string, @User() me: Member) {
    const form = await validateForm(request, CommentForm);
    if (form.isValid) await this.blog.addComment(me, slug, form.data.body.trim());
    else request.messages.error(`Your comment was not saved: ${form.errors.body?.[0] ?? 'check it and try again.'}`);
    return redirect(reverse('blog:article', { slug }));
  }

  /** The article as the viewer's own, else 404 (unknown) or 403 (someone else's). */
  private async own(slug: string, me: Member) {
    const article = await this.blog.view(await this.blog.find(slug), me);
    if (article.author.username !== me.username)
      throw new PermissionDenied('Only the author may change or delete this article');
    return article;
  }
}
