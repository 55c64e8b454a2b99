/**
 * The stylesheet `rondo new` writes to static/css/site.css: a finished look for the layout,
 * forms, tables, buttons, flash messages and errors, with a dark scheme, and no build step.
 */
export const SITE_CSS = `:root {
  --bg: #f7f7f5; --surface: #ffffff; --text: #1f2328; --muted: #656d76; --border: #d8dee4;
  --accent: #3b5bdb; --accent-text: #ffffff; --danger: #c92a2a; --ok-bg: #e6f4ea; --ok: #1e7b34;
  --warn-bg: #fff4e0; --error-bg: #fdecea; --radius: 8px;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #16181d; --surface: #1f2229; --text: #e6e6e6; --muted: #9aa4b2; --border: #343a46;
    --accent: #748ffc; --accent-text: #10121a; --danger: #ff8787; --ok-bg: #1b3325; --ok: #8ce99a;
    --warn-bg: #3b2f14; --error-bg: #3d1d1d;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 16px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; }
a { color: var(--accent); }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--bg); border: 1px solid var(--border); border-radius: 4px; padding: 0 .3em; }
h1, h2, h3 { line-height: 1.25; }

header.site { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .75rem max(1rem, calc((100% - 60rem) / 2)); background: var(--surface); border-bottom: 1px solid var(--border); }
header.site nav { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem 1rem; }
header.site nav a { text-decoration: none; color: var(--text); }
header.site nav a:hover { color: var(--accent); }
header.site .brand { font-weight: 700; font-size: 1.1rem; margin-right: .5rem; }
header.site .account { margin-left: auto; display: flex; align-items: center; gap: .75rem; }
main { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
footer.site { max-width: 60rem; margin: 3rem auto 2rem; padding: 1rem; border-top: 1px solid var(--border); color: var(--muted); font-size: .9rem; }

.hero h1 { font-size: 2rem; margin-bottom: .25rem; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1.25rem; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 1rem 1.25rem; }
.card h2 { margin-top: .25rem; font-size: 1.2rem; }
.narrow { max-width: 28rem; margin: 0 auto; }
.muted { color: var(--muted); }

button, .button, input[type=submit] { display: inline-block; font: inherit; font-weight: 600; padding: .45rem 1rem; border: 1px solid var(--accent); border-radius: 6px; background: var(--accent); color: var(--accent-text); cursor: pointer; text-decoration: none; }
button:hover, .button:hover { filter: brightness(1.08); }
button.link { background: none; border: none; color: var(--accent); padding: 0; font-weight: normal; }
button.danger, .button.danger { background: var(--danger); border-color: var(--danger); }
.button.secondary { background: transparent; color: var(--accent); }
form.inline { display: inline; }

label { display: block; margin: .9rem 0 .2rem; font-weight: 600; }
input:not([type=checkbox]):not([type=radio]):not([type=hidden]), textarea, select { display: block; width: 100%; margin-top: .25rem; font: inherit; padding: .5rem .6rem; color: var(--text); background: var(--surface); border: 1px solid var(--border); border-radius: 6px; }
input:focus, textarea:focus, select:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
textarea { min-height: 10rem; }
form button { margin-top: 1rem; }
.helptext { color: var(--muted); font-size: .9rem; }
.error, .errorlist { color: var(--danger); }
.errorlist { list-style: none; padding: 0; margin: .25rem 0; }
span.error { display: block; font-size: .9rem; }

table { width: 100%; border-collapse: collapse; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); }
th, td { text-align: left; padding: .5rem .75rem; border-bottom: 1px solid var(--border); }
th { font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }

.message { padding: .6rem 1rem; border-radius: 6px; background: var(--ok-bg); color: var(--ok); border: 1px solid currentColor; }
.message.warning { background: var(--warn-bg); color: inherit; }
.message.error { background: var(--error-bg); color: var(--danger); }
.pagination { display: flex; gap: 1rem; margin-top: 1rem; }
ul.items { padding-left: 1.2rem; }
.body { white-space: pre-wrap; }
.actions { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; margin-top: 1rem; }
`;
