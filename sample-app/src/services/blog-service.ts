/**
 * BlogService: articles, tags, comments, favorites and follows over the models, shaped
 * as the Conduit API's objects (the HTML pages use the same shapes).
 */
import type { Repository } from 'typeorm';
import { Http404, Injectable, InjectRepository, PermissionDenied } from 'rondo';
import { Article, Comment, Favorite, Follow, Tag } from '../models/article';
import { CommentNews } from './comment-news';
import { Member } from '../models/member';

export interface Profile {
  username: string;
  bio: string | null;
  image: string | null;
  following: boolean;
}
export interface ArticleView {
  slug: string;
  title: string;
  description: string;
  body?: string;
  tagList: string[];
  createdAt: string;
  updatedAt: string;
  favorited: boolean;
  favoritesCount: number;
  author: Profile;
}
export interface CommentView {
  id: number;
  body: string;
  createdAt: string;
  updatedAt: string;
  author: Profile;
}
export interface ArticleQuery {
  tag?: string;
  author?: string;
  favorited?: string;
  limit: number;
  offset: number;
}
export interface ArticleInput {
  title?: string;
  description?: string;
  body?: string;
  tagList?: string[];
}

/** URL-safe slug of a title ("Hello, World!" → "hello-world"). */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200);
  return slug || 'article';
}

@Injectable()
export class BlogService {
  constructor(
    @InjectRepository(Article) private readonly articles: Repository<Article>,
    @InjectRepository(Tag) private readonly tags: Repository<Tag>,
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    @InjectRepository(Favorite) private readonly favorites: Repository<Favorite>,
    @InjectRepository(Follow) private readonly follows: Repository<Follow>,
    @InjectRepository(Member) private readonly members: Repository<Member>,
    private readonly news: CommentNews,
  ) {}

  async member(username: string): Promise<Member> {
    const member = await this.members.findOneBy({ username });
    if (member === null) throw new Http404(`No user named ${username}`);
    return member;
  }

  async profile(member: Member, viewer?: Member): Promise<Profile> {
    const following =
      viewer !== undefined &&
      (await this.follows.existsBy({ follower: { id: viewer.id }, followed: { id: member.id } }));
    return { username: member.username, bio: member.bio ?? null, image: member.image ?? null, following };
  }

  async follow(viewer: Member, username: string, on: boolean): Promise<Profile> {
    const member = await this.member(username);
    const link = { follower: { id: viewer.id }, followed: { id: member.id } };
    if (on && member.id !== viewer.id && !(await this.follows.existsBy(link)))
      await this.follows.save(this.follows.create(link));
    if (!on) await this.follows.delete(link);
    return this.profile(member, viewer);
  }

  /** A page of articles, newest first, with the total before paging. */
  async list(
    query: ArticleQuery,
    viewer?: Member,
    feed = false,
  ): Promise<{ articles: ArticleView[]; articlesCount: number }> {
    const builder = this.articles
      .createQueryBuilder('article')
      .leftJoinAndSelect('article.author', 'author')
      .leftJoinAndSelect('article.tags', 'tags');
    if (query.tag !== undefined)
      builder.andWhere(
        'article.id IN (SELECT at."articleId" FROM article_tags at JOIN tag t ON t.id = at."tagId" WHERE t.name = :tag)',
        { tag: query.tag },
      );
    if (query.author !== undefined) builder.andWhere('author.username = :author', { author: query.author });
    if (query.favorited !== undefined) {
      builder.andWhere(
        'article.id IN (SELECT f."articleId" FROM favorite f JOIN member m ON m.id = f."memberId" WHERE m.username = :fan)',
        { fan: query.favorited },
      );
    }
    if (feed)
      builder.andWhere('author.id IN (SELECT f."followedId" FROM follow f WHERE f."followerId" = :viewer)', {
        viewer: viewer!.id,
      });
    const [rows, articlesCount] = await builder
      .orderBy('article.createdAt', 'DESC')
      .addOrderBy('article.id', 'DESC')
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    const articles = await Promise.all(rows.map((row) => this.view(row, viewer, false)));
    return { articles, articlesCount };
  }

  async find(slug: string): Promise<Article> {
    const article = await this.articles.findOneBy({ slug });
    if (article === null) throw new Http404(`No article with slug ${slug}`);
    return article;
  }

  async create(author: Member, input: Required<Pick<ArticleInput, 'title' | 'body'>> & ArticleInput): Promise<Article> {
    const article = this.articles.create({
      title: input.title.trim(),
      description: (input.description ?? '').trim(),
      body: input.body,
      slug: await this.freeSlug(input.title),
      tags: await this.tagsNamed(input.tagList ?? []),
      author,
    });
    return this.articles.save(article);
  }

  async update(viewer: Member, slug: string, input: ArticleInput): Promise<Article> {
    const article = this.ownArticle(await this.find(slug), viewer);
    if (input.title !== undefined && input.title.trim() !== article.title) {
      article.title = input.title.trim();
      article.slug = await this.freeSlug(article.title);
    }
    if (input.description !== undefined) article.description = input.description.trim();
    if (input.body !== undefined) article.body = input.body;
    if (input.tagList !== undefined) article.tags = await this.tagsNamed(input.tagList);
    return this.articles.save(article);
  }

  async remove(viewer: Member, slug: string): Promise<void> {
    const article = this.ownArticle(await this.find(slug), viewer);
    await this.comments.delete({ article: { id: article.id } });
    await this.favorites.delete({ article: { id: article.id } });
    await this.articles.remove(article);
  }

  async favorite(viewer: Member, slug: string, on: boolean): Promise<ArticleView> {
    const article = await this.find(slug);
    const link = { article: { id: article.id }, member: { id: viewer.id } };
    if (on && !(await this.favorites.existsBy(link))) await this.favorites.save(this.favorites.create(link));
    if (!on) await this.favorites.delete(link);
    return this.view(article, viewer);
  }

  async commentsOf(slug: string, viewer?: Member): Promise<CommentView[]> {
    const article = await this.find(slug);
    const rows = await this.comments.find({
      where: { article: { id: article.id } },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    return Promise.all(rows.map((row) => this.commentView(row, viewer)));
  }

  async addComment(viewer: Member, slug: string, body: string): Promise<CommentView> {
    const article = await this.find(slug);
    const comment = await this.comments.save(this.comments.create({ body, article, author: viewer }));
    const view = await this.commentView(comment, viewer);
    await this.news.published(slug, view);
    return view;
  }

  async removeComment(viewer: Member, slug: string, id: number): Promise<void> {
    const article = await this.find(slug);
    const comment = await this.comments.findOneBy({ id, article: { id: article.id } });
    if (comment === null) throw new Http404(`No comment ${id} on ${slug}`);
    if (comment.author.id !== viewer.id) throw new PermissionDenied('Only the author of a comment may delete it');
    await this.comments.remove(comment);
  }

  async tagNames(): Promise<string[]> {
    const rows = await this.tags
      .createQueryBuilder('tag')
      .innerJoin('article_tags', 'at', 'at."tagId" = tag.id')
      .select('DISTINCT tag.name', 'name')
      .getRawMany<{ name: string }>();
    return rows.map((row) => row.name).sort();
  }

  async view(article: Article, viewer?: Member, withBody = true): Promise<ArticleView> {
    const [favoritesCount, favorited, author] = await Promise.all([
      this.favorites.countBy({ article: { id: article.id } }),
      viewer === undefined
        ? false
        : this.favorites.existsBy({ article: { id: article.id }, member: { id: viewer.id } }),
      this.profile(article.author, viewer),
    ]);
    return {
      slug: article.slug,
      title: article.title,
      description: article.description,
      ...(withBody ? { body: article.body } : {}),
      tagList: (article.tags ?? []).map((tag) => tag.name).sort(),
      createdAt: new Date(article.createdAt).toISOString(),
      updatedAt: new Date(article.updatedAt).toISOString(),
      favorited,
      favoritesCount,
      author,
    };
  }

  private async commentView(comment: Comment, viewer?: Member): Promise<CommentView> {
    return {
      id: comment.id,
      body: comment.body,
      createdAt: new Date(comment.createdAt).toISOString(),
      updatedAt: new Date(comment.updatedAt).toISOString(),
      author: await this.profile(comment.author, viewer),
    };
  }

  private ownArticle(article: Article, viewer: Member): Article {
    if (article.author.id !== viewer.id)
      throw new PermissionDenied('Only the author of an article may change or delete it');
    return article;
  }

  private async freeSlug(title: string): Promise<string> {
    const base = slugify(title);
    let slug = base;
    for (let n = 2; await this.articles.existsBy({ slug }); n += 1) slug = `${base}-${n}`;
    return slug;
  }

  private async tagsNamed(names: readonly string[]): Promise<Tag[]> {
    const wanted = [...new Set(names.map((name) => String(name).trim()).filter((name) => name !== ''))];
    const tags: Tag[] = [];
    for (const name of wanted)
      tags.push((await this.tags.findOneBy({ name })) ?? (await this.tags.save(this.tags.create({ name }))));
    return tags;
  }
}
