/** A small catalogue for the admin tests: every column kind, a many-to-one, a many-to-many and children. */
import { IsNotIn } from 'class-validator';
import { Column, CreateDateColumn, Entity, JoinTable, ManyToMany, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Get, Injectable, PermissionRequired, Route, type App, type HttpRequest } from 'rondo';
import { Admin, AdminAction, adminApp, type AdminRegistration } from 'rondo/admin';
import { Accounts, Group, User, authApp } from 'rondo/auth';
import { DATABASE, type Database } from 'rondo/db';
import { makeFullApp } from '../fixtures/apps';

export enum Status {
  Draft = 'draft',
  Published = 'published',
}

@Entity({ name: 'adm_writer' })
export class Writer {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 100 }) name!: string;
}

@Entity({ name: 'adm_label' })
export class Label {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 50 }) name!: string;
}

@Entity({ name: 'adm_story' })
export class Story {
  @PrimaryGeneratedColumn() id!: number;
  @IsNotIn(['forbidden'], { message: 'That title is not allowed' })
  @Column({ type: 'varchar', length: 120 })
  title!: string;
  @Column({ type: 'text', default: '' }) body!: string;
  @Column({ type: 'integer', default: 0 }) views!: number;
  @Column({ type: 'boolean', default: false }) featured!: boolean;
  @Column({ type: 'simple-enum', enum: Status, default: Status.Draft }) status!: Status;
  @Column({ type: 'date', nullable: true }) publishOn!: string | null;
  @CreateDateColumn() createdAt!: Date;
  @ManyToOne(() => Writer, { nullable: false, onDelete: 'RESTRICT' }) writer!: Writer;
  @ManyToMany(() => Label) @JoinTable({ name: 'adm_story_labels' }) labels!: Label[];
}

@Entity({ name: 'adm_note' })
export class Note {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 200 }) text!: string;
  @ManyToOne(() => Story, { nullable: false, onDelete: 'CASCADE' }) story!: Story;
}

/** A service the writers' admin class gets injected: it keeps what its action did. */
@Injectable()
export class Roster {
  readonly called: string[] = [];
}

/** The writers' admin as a class: an injected service, an action method, an object-level hook. */
@Admin(Writer, { listDisplay: ['id', 'name'], searchFields: ['name'] })
export class WriterAdmin {
  constructor(private readonly roster: Roster) {}

  @AdminAction({ description: 'Call the roll' })
  callRoll(request: HttpRequest, writers: Writer[]) {
    this.roster.called.push(...writers.map((writer) => writer.name));
    return `Called ${writers.length} writer(s).`;
  }

  hasDeletePermission(request: HttpRequest, writer: Writer) {
    return writer.name !== 'Tenured Writer';
  }

  beforeSave(request: HttpRequest, writer: Writer, change: { adding: boolean }) {
    this.roster.called.push(`${change.adding ? 'adding' : 'changing'} ${writer.name}`);
  }
}

export const REGISTRATIONS: AdminRegistration[] = [
  WriterAdmin,
  [
    Label,
    {
      beforeSave: (request: HttpRequest, label: Label) => {
        label.name = label.name.toLowerCase();
      },
    },
  ],
  [
    Story,
    {
      listDisplay: [
        'id',
        'title',
        'writer',
        'status',
        'featured',
        'views',
        { label: 'Popular', value: (story: Story) => story.views >= 100 },
        { label: 'Title length', value: async (story: Story) => Promise.resolve(story.title.length) },
      ],
      listFilter: ['status', 'featured', 'writer'],
      searchFields: ['title', 'body', 'writer.name'],
      dateHierarchy: 'createdAt',
      ordering: ['-id'],
      fieldsets: [
        [null, { fields: ['title', 'body', 'writer', 'labels'] }],
        [
          'Publishing',
          { fields: ['status', 'featured', 'publishOn', 'views'], description: 'When it shows', collapse: true },
        ],
      ],
      listPerPage: 5,
      inlines: [{ model: Note, fields: ['text'], extra: 1 }],
    },
  ],
  [Note, { rawIdFields: ['story'] }],
  [User, { appLabel: 'auth', listDisplay: ['id', 'username', 'isStaff'], searchFields: ['username'] }],
  Group,
];

/** A view of the app with a permission of its own, which the admin offers beside the models' ones. */
@Route('/newsroom')
export class NewsroomController {
  @Get('/publish/')
  @PermissionRequired('app.publish_story')
  publish() {
    return { ok: true };
  }
}

export interface AdminFixture {
  app: App;
  users: Record<'root' | 'viewer' | 'editor' | 'plain', User>;
}

/** The app on `database`, its tables made, and four users: a superuser, two staff with some permissions, a non-staff. */
export async function adminFixture(database = 'sqlite::memory:'): Promise<AdminFixture> {
  const app = await makeFullApp({
    apps: [authApp({ views: true }), adminApp({ models: REGISTRATIONS })],
    controllers: [NewsroomController],
    entities: [Writer, Label, Story, Note],
    settings: { database, authLoginRateLimit: null },
  });
  await app.container.get<Database>(DATABASE).dataSource.synchronize();
  const accounts = app.container.get(Accounts);
  const make = (username: string, extra: Partial<User>) =>
    accounts.createUser({ username, password: 'violet sunset 42', ...extra });
  const users = {
    root: await accounts.createSuperuser({ username: 'root', email: 'root@example.com', password: 'violet sunset 42' }),
    viewer: await make('viewer', { isStaff: true, permissions: ['app.view_story'] }),
    editor: await make('editor', {
      isStaff: true,
      permissions: ['app.view_story', 'app.add_story', 'app.change_story', 'app.delete_story', 'app.view_writer'],
    }),
    plain: await make('plain', {}),
  };
  return { app, users };
}
