/** The blog's user: rondo/auth's User plus a profile (Conduit's bio and image). */
import { Column, Entity } from 'typeorm';
import { User } from 'rondo/auth';

@Entity({ name: 'member' })
export class Member extends User {
  @Column({ type: 'text', nullable: true }) bio: string | null = null;
  @Column({ type: 'varchar', length: 1000, nullable: true }) image: string | null = null;
}
