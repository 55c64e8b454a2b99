import { expect } from 'chai';
import { mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateDoesNotExist, TemplateNameInvalid } from 'rondo';
import { TemplateEngine } from '../../src/templates/engine';

describe('TemplateEngine', () => {
  let dir: string;
  let second: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rondo-tpl-'));
    second = mkdtempSync(join(tmpdir(), 'rondo-tpl2-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  });

  function write(name: string, text: string, root = dir, mtime?: Date) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
    if (mtime) utimesSync(join(root, name), mtime, mtime);
  }

  it('resolves names across folders in order', () => {
    write('a.ejs', 'first');
    write('a.ejs', 'second', second);
    write('b.ejs', 'only second', second);
    const engine = new TemplateEngine({ dirs: [dir, second], cache: true });
    expect(engine.render('a.ejs', {})).to.equal('first');
    expect(engine.render('b.ejs', {})).to.equal('only second');
  });

  it('re-reads a changed template when not caching (debug), and keeps the compiled one when caching', () => {
    write('page.ejs', 'v1', dir, new Date(1_000_000));
    const live = new TemplateEngine({ dirs: [dir], cache: false });
    const cached = new TemplateEngine({ dirs: [dir], cache: true });
    expect(live.render('page.ejs', {})).to.equal('v1');
    expect(cached.render('page.ejs', {})).to.equal('v1');
    write('page.ejs', 'v2', dir, new Date(2_000_000));
    expect(live.render('page.ejs', {})).to.equal('v2');
    expect(cached.render('page.ejs', {})).to.equal('v1');
  });

  it("routes EJS's include through the same name rules", () => {
    write('parts/x.ejs', '<b><%= who %></b>');
    write('ok.ejs', "<%- include('parts/x.ejs', { who: 'me' }) %>");
    write('evil.ejs', "<%- include('../../etc/passwd') %>");
    const engine = new TemplateEngine({ dirs: [dir], cache: true });
    expect(engine.render('ok.ejs', {})).to.equal('<b>me</b>');
    expect(() => engine.render('evil.ejs', {})).to.throw(/not allowed/);
  });

  it('refuses a template that links outside its folder', () => {
    write('secret.txt', 'secret', second);
    symlinkSync(join(second, 'secret.txt'), join(dir, 'link.ejs'));
    const engine = new TemplateEngine({ dirs: [dir], cache: true });
    expect(() => engine.render('link.ejs', {})).to.throw(TemplateNameInvalid, /outside its template folder/);
  });

  it('lists every path tried when a template is missing', () => {
    const engine = new TemplateEngine({ dirs: [dir, second], cache: true });
    expect(() => engine.render('missing.ejs', {}))
      .to.throw(TemplateDoesNotExist)
      .with.property('message')
      .that.includes(join(dir, 'missing.ejs'))
      .and.includes(join(second, 'missing.ejs'));
  });

  it('detects a layout cycle', () => {
    write('a.ejs', "<% layout('b.ejs') %>a");
    write('b.ejs', "<% layout('a.ejs') %>b");
    expect(() => new TemplateEngine({ dirs: [dir], cache: true }).render('a.ejs', {})).to.throw(/layout cycle/);
  });
});
