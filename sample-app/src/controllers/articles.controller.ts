/** Conduit: articles, the feed, favorites, comments, profiles and tags under /api. */
import {
  ApiOperation,
  ApiResponse,
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
import { ArticleQueryDto, FeedQueryDto, NewArticleDto, NewCommentDto, UpdateArticleDto } from '../dtos/conduit';
import {
  GENERIC_ERROR,
  MultipleArticlesResponse,
  MultipleCommentsResponse,
  ProfileResponse,
  SingleArticleResponse,
  SingleCommentResponse,
  TagsResponse,
} from '../dtos/conduit-responses';
import { BlogService } from '../services/blog-service';
import { caller, requireCaller } from './api-support';

@Route('/api', { name: 'conduit' })
@JsonErrors()
@CsrfExempt()
export class ArticlesController {
  constructor(private readonly blog: BlogService) {}

  @ApiOperation({ tags: ['Articles'], auth: 'optional', summary: 'Recent articles from everyone, newest first' })
  @ApiResponse(200, MultipleArticlesResponse)
  @Get('/articles', { name: 'articles' })
  list(@Req() request: HttpRequest, @Query() query: ArticleQueryDto) {
    return this.blog.list({ ...query, limit: query.limit ?? 20, offset: query.offset ?? 0 }, caller(request));
  }

  /** Declared before /articles/<slug>: find-my-way prefers the static segment anyway. */
  @ApiOperation({ tags: ['Articles'], auth: 'required', summary: 'Recent articles by the users the caller follows' })
  @ApiResponse(200, MultipleArticlesResponse)
  @Get('/articles/feed', { name: 'feed' })
  feed(@Req() request: HttpRequest, @Query() query: FeedQueryDto) {
    return this.blog.list({ limit: query.limit ?? 20, offset: query.offset ?? 0 }, requireCaller(request), true);
  }

  @ApiOperation({ tags: ['Articles'], auth: 'required', summary: 'Create an article' })
  @ApiResponse(201, SingleArticleResponse)
  @Post('/articles', { name: 'create' })
  async create(@Req() request: HttpRequest, @Body('article') input: NewArticleDto) {
    const me = requireCaller(request);
    const article = await this.blog.create(me, input);
    return new JsonResponse({ article: await this.blog.view(article, me) }, { status: 201 });
  }

  @ApiOperation({ tags: ['Articles'], auth: 'optional', summary: 'One article' })
  @ApiResponse(200, SingleArticleResponse)
  @Get('/articles/<str:slug>', { name: 'article' })
  async detail(@Req() request: HttpRequest, @Param('slug') slug: string) {
    return { article: await this.blog.view(await this.blog.find(slug), caller(request)) };
  }

  @ApiOperation({ tags: ['Articles'], auth: 'required', summary: 'Update an article (its author only)' })
  @ApiResponse(200, SingleArticleResponse)
  @ApiResponse(403, GENERIC_ERROR)
  @Put('/articles/<str:slug>')
  async update(@Req() request: HttpRequest, @Param('slug') slug: string, @Body('article') input: UpdateArticleDto) {
    const me = requireCaller(request);
    return { article: await this.blog.view(await this.blog.update(me, slug, input), me) };
  }

  @ApiOperation({ tags: ['Articles'], auth: 'required', summary: 'Delete an article (its author only)' })
  @ApiResponse(204, undefined, { description: 'Deleted' })
  @ApiResponse(403, GENERIC_ERROR)
  @Delete('/articles/<str:slug>')
  async remove(@Req() request: HttpRequest, @Param('slug') slug: string) {
    await this.blog.remove(requireCaller(request), slug); // undefined → 204
  }

  @ApiOperation({ tags: ['Favorites'], auth: 'required', summary: 'Favorite an article' })
  @ApiResponse(200, SingleArticleResponse)
  @Post('/articles/<str:slug>/favorite', { name: 'favorite' })
  async favorite(@Req() request: HttpRequest, @Param('slug') slug: string) {
    return { article: await this.blog.favorite(requireCaller(request), slug, true) };
  }

  @ApiOperation({ tags: ['Favorites'], auth: 'required', summary: 'Unfavorite an article' })
  @ApiResponse(200, SingleArticleResponse)
  @Delete('/articles/<str:slug>/favorite')
  async unfavorite(@Req() request: HttpRequest, @Param('slug') slug: string) {
    return { article: await this.blog.favorite(requireCaller(request), slug, false) };
  }

  @ApiOperation({ tags: ['Comments'], auth: 'optional', summary: 'The comments of an article' })
  @ApiResponse(200, MultipleCommentsResponse)
  @Get('/articles/<str:slug>/comments', { name: 'comments' })
  async comments(@Req() request: HttpRequest, @Param('slug') slug: string) {
    return { comments: await this.blog.commentsOf(slug, caller(request)) };
  }

  @ApiOperation({ tags: ['Comments'], auth: 'required', summary: 'Comment on an article' })
  @ApiResponse(200, SingleCommentResponse)
  @Post('/articles/<str:slug>/comments')
  async comment(@Req() request: HttpRequest, @Param('slug') slug: string, @Body('comment') input: NewCommentDto) {
    return { comment: await this.blog.addComment(requireCaller(request), slug, input.body) };
  }

  @ApiOperation({ tags: ['Comments'], auth: 'required', summary: 'Delete a comment (its author only)' })
  @ApiResponse(204, undefined, { description: 'Deleted' })
  @ApiResponse(403, GENERIC_ERROR)
  @Delete('/articles/<str:slug>/comments/<int:id>', { name: 'comment' })
  async removeComment(@Req() request: HttpRequest, @Param('slug') slug: string, @Param('id') id: number) {
    await this.blog.removeComment(requireCaller(request), slug, id);
  }

  @ApiOperation({ tags: ['Profile'], auth: 'optional', summary: 'A profile' })
  @ApiResponse(200, ProfileResponse)
  @Get('/profiles/<str:username>', { name: 'profile' })
  async profile(@Req() request: HttpRequest, @Param('username') username: string) {
    return { profile: await this.blog.profile(await this.blog.member(username), caller(request)) };
  }

  @ApiOperation({ tags: ['Profile'], auth: 'required', summary: 'Follow a user' })
  @ApiResponse(200, ProfileResponse)
  @Post('/profiles/<str:username>/follow', { name: 'follow' })
  async follow(@Req() request: HttpRequest, @Param('username') username: string) {
    return { profile: await this.blog.follow(requireCaller(request), username, true) };
  }

  @ApiOperation({ tags: ['Profile'], auth: 'required', summary: 'Unfollow a user' })
  @ApiResponse(200, ProfileResponse)
  @Delete('/profiles/<str:username>/follow')
  async unfollow(@Req() request: HttpRequest, @Param('username') username: string) {
    return { profile: await this.blog.follow(requireCaller(request), username, false) };
  }

  @ApiOperation({ tags: ['Tags'], summary: 'Every tag in use' })
  @ApiResponse(200, TagsResponse)
  @Get('/tags', { name: 'tags' })
  async tags() {
    return { tags: await this.blog.tagNames() };
  }
}
