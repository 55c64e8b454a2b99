/** Articles (the blog's posts), their tags, comments, favorites and who follows whom. */
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Member } from './member';

@Entity({ name: 'tag' })
export class Tag {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 100, unique: true }) name!: string;
}

@Entity({ name: 'article' })
export class Article {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 300, unique: true }) slug!: string;
  @Column({ type: 'varchar', length: 255 }) title!: string;
  @Column({ type: 'varchar', length: 1000, default: '' }) description!: string;
  @Column({ type: 'text' }) body!: string;
  @ManyToMany(() => Tag, { eager: true }) @JoinTable({ name: 'article_tags' }) tags!: Tag[];
  @ManyToOne(() => Member, { eager: true, onDelete: 'CASCADE' }) author!: Member;
  @Index() @CreateDateColumn({ type: Date, precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: Date, precision: 3 }) updatedAt!: Date;
}

@Entity({ name: 'comment' })
export class Comment {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'text' }) body!: string;
  @ManyToOne(() => Article, { onDelete: 'CASCADE' }) article!: Article;
  @ManyToOne(() => Member, { eager: true, onDelete: 'CASCADE' }) author!: Member;
  @CreateDateColumn({ type: Date, precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: Date, precision: 3 }) updatedAt!: Date;
}

@Entity({ name: 'favorite' })
@Index(['article', 'member'], { unique: true })
export class Favorite {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Article, { onDelete: 'CASCADE' }) article!: Article;
  @ManyToOne(() => Member, { onDelete: 'CASCADE' }) member!: Member;
}

@Entity({ name: 'follow' })
@Index(['follower', 'followed'], { unique: true })
export class Follow {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Member, { onDelete: 'CASCADE' }) follower!: Member;
  @ManyToOne(() => Member, { onDelete: 'CASCADE' }) followed!: Member;
}

export const BLOG_ENTITIES = [Tag, Article, Comment, Favorite, Follow];
