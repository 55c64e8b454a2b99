/**
 * The blog's JSON API: list, read, create (validated DTO) and delete posts. CSRF-exempt:
 * API clients authenticate otherwise (this sample has no auth) and send JSON, not forms.
 */
import { Body, CsrfExempt, Delete, Get, Http404, JsonResponse, Param, Post, Route } from 'rondo';
import { PostService } from '../services/post-service';
import { NewPostDto } from './post-dto';

@Route('/api/posts', { name: 'api' })
@CsrfExempt()
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
  create(@Body() input: NewPostDto) {
    return new JsonResponse(this.posts.create({ title: input.title.trim(), body: input.body }), { status: 201 });
  }

  @Delete('/<int:id>', { name: 'delete' })
  remove(@Param('id') id: number) {
    if (!this.posts.delete(id)) throw new Http404(`No post with id ${id}`);
  }
}
