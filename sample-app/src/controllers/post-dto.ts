/**
 * What a new post must look like, for both the HTML form and the JSON API.
 */
import { IsString, Length } from 'class-validator';

export class NewPostDto {
  @IsString() @Length(3, 120) title!: string;
  @IsString() @Length(1, 10_000) body!: string;
}
