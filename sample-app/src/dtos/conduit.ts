/** The Conduit API's payloads (each arrives wrapped: `{"user": {...}}`, taken with @Body('user')). */
import {
  IsArray,
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { PasswordField } from 'rondo/auth';

export class RegisterDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(150)
  @Matches(/^[\w.@+-]+$/, { message: 'may contain only letters, numbers, and @/./+/-/_' })
  username!: string;
  @IsEmail() @MaxLength(254) email!: string;
  @PasswordField() password!: string;
}

export class LoginDto {
  @IsEmail() @MaxLength(254) email!: string;
  @PasswordField() password!: string;
}

export class UpdateUserDto {
  @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(150) @Matches(/^[\w.@+-]+$/) username?: string;
  @IsOptional() @PasswordField() password?: string;
  @ValidateIf((_, value) => value !== null) @IsOptional() @IsString() @MaxLength(5000) bio?: string | null;
  @ValidateIf((_, value) => value !== null && value !== '')
  @IsOptional()
  @IsUrl({ require_tld: false })
  @MaxLength(1000)
  image?: string | null;
}

export class NewArticleDto {
  @IsString() @IsNotEmpty() @MaxLength(255) title!: string;
  @IsString() @IsNotEmpty() @MaxLength(1000) description!: string;
  @IsString() @IsNotEmpty() @MaxLength(100_000) body!: string;
  @IsOptional() @IsArray() @IsString({ each: true }) @MaxLength(100, { each: true }) tagList?: string[];
}

export class UpdateArticleDto {
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(255) title?: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100_000) body?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) @MaxLength(100, { each: true }) tagList?: string[];
}

export class NewCommentDto {
  @IsString() @IsNotEmpty() @MaxLength(10_000) body!: string;
}

/** The feed's query: a page of it. */
export class FeedQueryDto {
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

export class ArticleQueryDto {
  @IsOptional() @IsString() @MaxLength(100) tag?: string;
  @IsOptional() @IsString() @MaxLength(150) author?: string;
  @IsOptional() @IsString() @MaxLength(150) favorited?: string;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
  /** Bounded so that no offset reaches the database as a value it refuses (or a scan of millions of rows). */
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}
