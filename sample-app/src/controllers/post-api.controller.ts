/**
 * The blog's JSON API: list, read, create and delete posts.
 */
import { BadRequest, Body, Delete, Get, Http404, JsonResponse, Param, Post, Route } from 'rondo';
import { PostService, type NewPost } from '../services/post-service';

@Route('/api/posts', { name: 'api' })
export class PostApiController {
  constructor(private readonly posts: PostService) {}

  @Get('/', { name: 'list' })
  list() {
    return this.posts.all();
  }

  @Get('/<int:id>', { name: 'detail' })
  detail(@Param('id') id: number) {
    const post = this.posts.find(id);
    if (!post) throw new Http404(`No post with id ${id}`);
    return post;
  }

  @Post('/', { name: 'create' })
  create(@Body() input: NewPost) {
    if (typeof input?.title !== 'string' || !input.title.trim() || typeof input.body !== 'string') {
      throw new BadRequest('A post needs a non-empty "title" and a "body" string');
    }
    return new JsonResponse(this.posts.create({ title: input.title.trim(), body: input.body }), { status: 201 });
  }

  @Delete('/<int:id>', { name: 'delete' })
  remove(@Param('id') id: number) {
    if (!this.posts.delete(id)) throw new Http404(`No post with id ${id}`);
  }
}
