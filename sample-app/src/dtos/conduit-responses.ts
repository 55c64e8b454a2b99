/**
 * What the Conduit API answers, as classes for its OpenAPI document (the shapes of the
 * RealWorld API specification). Their class-validator rules are the schemas; tests hold
 * every answer to them (TestClient's `openapi` option).
 */
import { IsArray, IsBoolean, IsDateString, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { OmitType, Type } from 'rondo';

export class User {
  @IsString() email!: string;
  @IsString() token!: string;
  @IsString() username!: string;
  @IsOptional() @IsString() bio!: string | null;
  @IsOptional() @IsString() image!: string | null;
}

export class UserResponse {
  @ValidateNested() @Type(() => User) user!: User;
}

export class Profile {
  @IsString() username!: string;
  @IsOptional() @IsString() bio!: string | null;
  @IsOptional() @IsString() image!: string | null;
  @IsBoolean() following!: boolean;
}

export class ProfileResponse {
  @ValidateNested() @Type(() => Profile) profile!: Profile;
}

export class Article {
  @IsString() slug!: string;
  @IsString() title!: string;
  @IsString() description!: string;
  @IsString() body!: string;
  @IsArray() @IsString({ each: true }) tagList!: string[];
  @IsDateString() createdAt!: string;
  @IsDateString() updatedAt!: string;
  @IsBoolean() favorited!: boolean;
  @IsInt() favoritesCount!: number;
  @ValidateNested() @Type(() => Profile) author!: Profile;
}

export class SingleArticleResponse {
  @ValidateNested() @Type(() => Article) article!: Article;
}

/** An article in a list: without its body (the RealWorld specification leaves it out of lists). */
export class ArticleInList extends OmitType(Article, ['body']) {}

export class MultipleArticlesResponse {
  @ValidateNested({ each: true }) @Type(() => ArticleInList) articles!: ArticleInList[];
  @IsInt() articlesCount!: number;
}

export class Comment {
  @IsInt() id!: number;
  @IsDateString() createdAt!: string;
  @IsDateString() updatedAt!: string;
  @IsString() body!: string;
  @ValidateNested() @Type(() => Profile) author!: Profile;
}

export class SingleCommentResponse {
  @ValidateNested() @Type(() => Comment) comment!: Comment;
}

export class MultipleCommentsResponse {
  @ValidateNested({ each: true }) @Type(() => Comment) comments!: Comment[];
}

export class TagsResponse {
  @IsArray() @IsString({ each: true }) tags!: string[];
}

/** Every error under /api: `{"errors": {"<field>": ["..."]}}` (ConduitErrors). */
export const GENERIC_ERROR = {
  type: 'object',
  required: ['errors'],
  properties: {
    errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  },
};
