import { expect } from 'chai';
import { Injectable, createApp, silentLogger, type App } from 'rondo';
import { Mailer } from 'rondo/mail';
import { Schedule, Task, TaskQueue } from 'rondo/tasks';
import { DemoTasks, tasksApp } from '../fixtures/tasks-app';

describe('TaskQueue with the immediate backend (the default)', () => {
  let app: App;
  let queue: TaskQueue;
  before(async () => {
    app = await tasksApp();
    queue = app.container.get(TaskQueue);
  });
  after(() => app.close());

  it('runs the task at enqueue, its class built with its dependencies, and hands back the result', async () => {
    const result = await queue.enqueue(DemoTasks, 'greet', ['Ann']);
    expect(result.status).to.equal('successful');
    expect(result.result).to.equal('Hello, Ann');
    expect(result.attempts).to.equal(1);
    expect(result.task).to.equal('DemoTasks.greet');
    expect(result.finishedAt).to.be.instanceOf(Date);
    const again = await queue.result(result.id);
    expect(again?.result).to.equal('Hello, Ann');
  });

  it('retries a failing task up to its retries, and reports the attempts', async () => {
    const result = await queue.enqueue(DemoTasks, 'flaky', ['immediate-2', 2]);
    expect(result.status).to.equal('successful');
    expect(result.result).to.equal(3);
    expect(result.attempts).to.equal(3);
  });

  it('marks a task failed once its retries are spent, keeping the error', async () => {
    const result = await queue.enqueue(DemoTasks, 'broken', []);
    expect(result.status).to.equal('failed');
    expect(result.attempts).to.equal(2);
    expect(result.error).to.match(/^TypeError: always broken/);
  });

  it('refuses arguments that do not come back the same from JSON, naming where they are', async () => {
    const refused = async (args: unknown[]) => {
      try {
        await queue.enqueueByName('DemoTasks.greet', args);
      } catch (error) {
        return error as Error & { code: string };
      }
      throw new Error('accepted');
    };
    expect((await refused([new Date()])).message).to.match(/args\[0\] is a Date: pass date.toISOString\(\)/);
    expect((await refused([{ user: new Greeter() }])).message).to.match(/args\[0\]\.user is a Greeter/);
    expect((await refused([[undefined]])).message).to.match(/args\[0\]\[0\] is undefined/);
    expect((await refused([Number.NaN])).message).to.match(/args\[0\] is NaN/);
    expect((await refused([1n])).code).to.equal('TASK_INVALID');
  });

  it('refuses arguments over 1 MiB of JSON, and fails a run whose result is, saying what to do instead', async () => {
    const error = await queue.enqueue(DemoTasks, 'greet', ['x'.repeat(1024 * 1024)]).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'TASK_INVALID');
    expect((error as Error).message).to.match(
      /DemoTasks.greet: its arguments are 1048580 bytes of JSON, over 1048576: .* pass its id/,
    );
    const huge = await queue.enqueue(DemoTasks, 'returnsHuge', []);
    expect(huge.status).to.equal('failed');
    expect(huge.error).to.match(/returned 2097154 bytes of JSON, over 1048576/);
  });

  it('fails a run whose result is not JSON, saying so', async () => {
    const result = await queue.enqueue(DemoTasks, 'returnsDate', []);
    expect(result.status).to.equal('failed');
    expect(result.error).to.match(/returned a value that is not JSON: its result is a Date/);
  });

  it('refuses a method that is not a task, and a task name the app does not have', async () => {
    try {
      await queue.enqueue(Greeter, 'greet' as never, [] as never);
      expect.fail('enqueued');
    } catch (error) {
      expect((error as Error).message).to.match(/Greeter.greet is not a task of this app: decorate it with @Task\(\)/);
    }
    try {
      await queue.enqueueByName('Nope.nothing');
      expect.fail('enqueued');
    } catch (error) {
      expect((error as Error).message).to.match(/The app has no task 'Nope.nothing' \(it has: .*DemoTasks.greet/);
    }
  });

  it('refuses a priority outside -100..100', async () => {
    try {
      await queue.enqueue(DemoTasks, 'greet', ['x'], { priority: 101 });
      expect.fail('enqueued');
    } catch (error) {
      expect((error as Error).message).to.match(/priority is a whole number from -100 to 100 \(got 101\)/);
    }
  });

  it('runs a delayed task after runAfter, in this process', async () => {
    const result = await queue.enqueue(DemoTasks, 'greet', ['Later'], { runAfter: 50 });
    expect(result.status).to.equal('ready');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await result.refresh()).status).to.equal('successful');
    expect(result.result).to.equal('Hello, Later');
  });

  it('sends mail through a task with mailer.sendLater (retried if the server fails)', async () => {
    const mailApp = await tasksApp({ settings: { emailBackend: 'memory' } });
    try {
      const mailer = mailApp.container.get(Mailer);
      const result = await mailer.sendLater({ to: 'ann@example.com', subject: 'Hi', text: 'Welcome' });
      expect(result.task).to.equal('rondo.mail.send');
      expect(result.status).to.equal('successful');
      expect(mailer.outbox.map((mail) => [mail.to, mail.subject])).to.deep.equal([[['ann@example.com'], 'Hi']]);
      try {
        await mailer.sendLater({ to: 'ann@example.com', subject: 'Hi\r\nBcc: x@example.com', text: '' });
        expect.fail('queued');
      } catch (error) {
        expect((error as { code: string }).code).to.equal('EMAIL_HEADER_INVALID');
      }
    } finally {
      await mailApp.close();
    }
  });
});

class Greeter {
  greet() {
    return 'hi';
  }
}

describe('@Task and @Schedule declarations', () => {
  it('fail start-up for two tasks with one name', async () => {
    @Injectable()
    class A {
      @Task({ name: 'same' }) one() {}
    }
    @Injectable()
    class B {
      @Task({ name: 'same' }) two() {}
    }
    try {
      await createApp({ providers: [A, B], logger: silentLogger });
      expect.fail('started');
    } catch (error) {
      expect((error as Error).message).to.match(/Two tasks are named 'same': A.one and B.two/);
    }
  });

  it('fail start-up for a schedule without @Task and for a cron expression that is not one', async () => {
    @Injectable()
    class Lonely {
      @Schedule('0 3 * * *') nightly() {}
    }
    @Injectable()
    class Wrong {
      @Schedule('61 * * * *') @Task() nightly() {}
    }
    for (const [cls, pattern] of [
      [Lonely, /@Schedule on Lonely.nightly needs @Task\(\)/],
      [Wrong, /@Schedule\('61 \* \* \* \*'\) on Wrong.nightly: .*Use five fields/],
    ] as const) {
      try {
        await createApp({ providers: [cls], logger: silentLogger });
        expect.fail('started');
      } catch (error) {
        expect((error as Error).message).to.match(pattern);
      }
    }
  });

  it('refuse a bad priority, queue or retries where they are declared', () => {
    expect(() => Task({ priority: 500 })).not.to.throw(); // the factory only records
    expect(() => {
      class Bad {
        @Task({ priority: 500 }) run() {}
      }
      return Bad;
    }).to.throw(/@Task\(\) on Bad.run: priority is a whole number from -100 to 100/);
    expect(() => {
      class Bad {
        @Task({ queue: 'a:b' }) run() {}
      }
      return Bad;
    }).to.throw(/queue is 1 to 64 letters/);
    expect(() => {
      class Bad {
        @Task({ retries: -1 }) run() {}
      }
      return Bad;
    }).to.throw(/retries is a whole number of 0 or more/);
  });

  it('fail start-up for an unknown tasksBackend', async () => {
    try {
      await createApp({ settings: { tasksBackend: 'rabbit' as never }, logger: silentLogger });
      expect.fail('started');
    } catch (error) {
      expect((error as { code: string }).code).to.equal('TASK_BACKEND_UNKNOWN');
    }
  });
});
