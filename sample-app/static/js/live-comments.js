// The article page's comment list, kept current over a WebSocket: each comment anyone
// publishes while the page is open appears at the top. Reconnects after a dropped
// connection (a server restart), at most every 5 seconds.
(function () {
  const section = document.querySelector('[data-live-comments]');
  if (!section) return;
  const list = section.querySelector('.comment-list');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${section.dataset.liveComments}`;
  const shown = new Set(Array.from(list.querySelectorAll('[data-comment-id]'), (el) => el.dataset.commentId));

  function show(comment) {
    if (shown.has(String(comment.id))) return;
    shown.add(String(comment.id));
    const item = document.createElement('div');
    item.className = 'comment live';
    item.dataset.commentId = String(comment.id);
    const body = document.createElement('p');
    body.textContent = comment.body; // text, never HTML
    const meta = document.createElement('p');
    meta.className = 'meta';
    meta.textContent = `${comment.author} · ${comment.createdAt.slice(0, 10)}`;
    item.append(body, meta);
    list.prepend(item);
  }

  let delay = 500;
  function connect() {
    const socket = new WebSocket(url);
    socket.onopen = () => {
      delay = 500;
      section.dataset.liveState = 'open';
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.comment) show(message.comment);
    };
    socket.onclose = (event) => {
      section.dataset.liveState = 'closed';
      if (event.code === 1008 || event.code === 1003) return; // refused: do not insist
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  connect();
})();
