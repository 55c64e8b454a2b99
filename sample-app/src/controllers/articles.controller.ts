/** Conduit: articles, the feed, favorites, comments, profiles and tags under /api. */
import {
  Body,
  CsrfExempt,
  Delete,
  Get,
  HttpRequest,
  JsonErrors,
  JsonResponse,
  Param,
  Post,
  Put,
  Query,
  Req,
  Route,
} from 'rondo';
import { ArticleQueryDto, NewArticleDto, NewCommentDto, UpdateArticleDto } from '../dtos/conduit';
import { BlogService } from '../services/blog-service';
import { caller, requireCaller } from './api-support';

@Route('/api', { name: 'conduit' })
@JsonErrors()
@CsrfExempt()
export class ArticlesController {
  constructor(private readonly blog: BlogService) {}

  @Get('/articles', { name: 'articles' })
  list(@Req() request: HttpRequest, @Query() query: ArticleQueryDto) {
    return this.blog.list({ ...query, limit: query.limit ?? 20, offset: query.offset ?? 0 }, caller(request));
  }

  /** Declared before /articles/<slug>: find-my-way prefers the static segment anyway. */
  @Get('/articles/feed', { name: 'feed' })
  feed(@Req() request: HttpRequest, @Query() query: ArticleQueryDto) {
    return this.blog.list({ limit: query.limit ?? 20, offset: query.offset ?? 0 }, requireCaller(request), true);
  }

  @Post('/articles', { name: 'create' })
  async create(@Req() request: HttpRequest, @Body('article') input: NewArticleDto) {
    const me = requireCaller(request);
    const article = await this.blog.create(me, input);
    return new JsonResponse({ article: await this.blog.view(article, me) }, { status: 201 });
  }

  @Get('/articles/<str:slug>', { name: 'article' })
  async detail(@Req() request: HttpRequest, @Param('slug') slug: string) {
    return { article: await this.blog.view(await this.blog.find(slug), caller(request)) };
  }

  @Put('/articles/<str:slug>')
  async update(@Req() request: HttpRequest, @Param('slug') slug: string, @Body('article') input: UpdateArticleDto) {
    const me = requireCaller(request);
    return { article: await this.blog.view(await this.blog.update(me, slug, input), me) };
  }

  @Delete('/articles/<str:slug>')
  async remove(@Req() request: HttpRequest, @Param('slug') slug: string) {
    await this.blog.remove(requireCaller(request), slug); // undefined → 204
  }

  @Post('/articles/<str:slug>/favorite', { name: 'favorite' })
  async favorite(@Req() request: HttpRequest, @Param('slug') slug: string) {
    return { article: await this.blog.favorite(requireCaller(request), slug, true) };
  }

  @Delete('/articles/<str:slug>/favorite')
  async unfavorite(@Req() request: HttpRequest, @Param('slug') slug: string) {
    return { article: await this.blog.favorite(requireCaller(request), slug, false) };
  }

  @Get('/articles/<str:slug>/comments', { name: 'comments' })
  async comments(@Req() request: HttpRequest, @Param('slug') slug: string) {
    return { comments: await this.blog.commentsOf(slug, caller(request)) };
  }

  @Post('/articles/<str:slug>/comments')
  async comment(@Req() request: HttpRequest, @Param('slug') slug: string, @Body('comment') input: NewCommentDto) {
    return { comment: await this.blog.addComment(requireCaller(request), slug, input.body) };
  }

  @Delete('/articles/<str:slug>/comments/<int:id>', { name: 'comment' })
  async removeComment(@Req() request: HttpRequest, @Param('slug') slug: string, @Param('id') id: number) {
    await this.blog.removeComment(requireCaller(request), slug, id);
  }

  @Get('/profiles/<str:username>', { name: 'profile' })
  async profile(@Req() request: HttpRequest, @Param('username') username: string) {
    return { profile: await this.blog.profile(await this.blog.member(username), caller(request)) };
  }

  @Post('/profiles/<str:username>/follow', { name: 'follow' })
  async follow(@Req() request: HttpRequest, @Param('username') username: string) {
    return { profile: await this.blog.follow(requireCaller(request), username, true) };
  }

  @Delete('/profiles/<str:username>/follow')
  async unfollow(@Req() request: HttpRequest, @Param('username') username: string) {
    return { profile: await this.blog.follow(requireCaller(request), username, false) };
  }

  @Get('/tags', { name: 'tags' })
  async tags() {
    return { tags: await this.blog.tagNames() };
  }
}
