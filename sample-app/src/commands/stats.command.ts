/** `rondo stats [--json] [--since 2026-12-01]`: how much the blog holds, for a cron mail or a dashboard. */
import { IsBoolean, IsDate, IsOptional } from 'class-validator';
import { Command, InjectRepository, type AppCommand, type CommandIO } from 'rondo';
import { MoreThanOrEqual, type Repository } from 'typeorm';
import { Article, Comment } from '../models/article';
import { Member } from '../models/member';

export class StatsOptions {
  @IsOptional() @IsBoolean() json?: boolean;
  @IsOptional() @IsDate() since?: Date;
}

@Command('stats', {
  description: 'Counts the members, articles and comments (all, or since a date)',
  options: StatsOptions,
  help: { json: 'print one JSON object', since: 'count only what was created on or after this date (YYYY-MM-DD)' },
})
export class StatsCommand implements AppCommand<StatsOptions> {
  constructor(
    @InjectRepository(Member) private readonly members: Repository<Member>,
    @InjectRepository(Article) private readonly articles: Repository<Article>,
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
  ) {}

  async run(options: StatsOptions, io: CommandIO): Promise<number> {
    const since = options.since === undefined ? {} : { createdAt: MoreThanOrEqual(options.since) };
    const counts = {
      members: await this.members.count(
        options.since === undefined ? {} : { where: { dateJoined: MoreThanOrEqual(options.since) } },
      ),
      articles: await this.articles.count({ where: since }),
      comments: await this.comments.count({ where: since }),
    };
    if (options.json) io.out(JSON.stringify(counts));
    else for (const [what, count] of Object.entries(counts)) io.out(`${what.padEnd(9)} ${count}`);
    return 0;
  }
}
