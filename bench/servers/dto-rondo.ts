/**
 * The DTO of dto.ts for Rondo, decorated with the class-validator that Rondo itself
 * resolves. In an app npm dedupes the two into one copy; here bench/ has its own copy for
 * the peers, and loading both would cost Rondo's process an extra class-validator and
 * validator (about 8 MB of RSS and 100 ms of start-up) that no real app pays.
 */
import type * as ClassValidator from 'class-validator';
import { dirname } from 'node:path';

const rondoDir = dirname(require.resolve('../../../dist/src/index.js'));
const cv = require(require.resolve('class-validator', { paths: [rondoDir] })) as typeof ClassValidator;

export class CreateUserDto {
  @cv.IsString() @cv.Length(1, 50) name!: string;
  @cv.IsEmail() email!: string;
  @cv.IsInt() @cv.Min(0) @cv.Max(150) age!: number;
}
