/**
 * PostService: the blog's posts, kept in memory (the sample needs no database to run).
 */
import { Injectable } from 'rondo';

export interface Post {
  id: number;
  title: string;
  body: string;
  createdAt: string;
}

export interface NewPost {
  title: string;
  body: string;
}

@Injectable()
export class PostService {
  private readonly posts = new Map<number, Post>();
  private nextId = 1;

  constructor() {
    this.create({ title: 'Hello, Rondo', body: 'The request goes in through the middleware and comes back out in reverse.' });
  }

  all(): Post[] {
    return [...this.posts.values()].sort((a, b) => b.id - a.id);
  }

  find(id: number): Post | undefined {
    return this.posts.get(id);
  }

  create(input: NewPost): Post {
    const post = { id: this.nextId++, title: input.title, body: input.body, createdAt: new Date().toISOString() };
    this.posts.set(post.id, post);
    return post;
  }

  delete(id: number): boolean {
    return this.posts.delete(id);
  }
}
