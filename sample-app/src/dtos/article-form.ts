/** The HTML form for writing or editing an article. */
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class ArticleForm {
  @IsString() @IsNotEmpty() @MaxLength(255) title!: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsString() @IsNotEmpty() @MaxLength(100_000) body!: string;
  /** Tags separated by commas or spaces. */
  @IsOptional() @IsString() @MaxLength(1000) tags?: string;
}

/** The comment form under an article. */
export class CommentForm {
  @IsString() @IsNotEmpty() @MaxLength(10_000) body!: string;
}
