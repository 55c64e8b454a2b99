/**
 * Content-Disposition for downloads (RFC 6266 with RFC 8187 `filename*`): an ASCII
 * fallback name with quotes, backslashes and non-ASCII replaced, plus the exact UTF-8 name.
 */
export function contentDisposition(fileName: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const clean = fileName.replace(/[\u0000-\u001f\u007f]/g, '');
  const ascii = clean.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return ascii === clean && !/[%]/.test(clean)
    ? `${type}; filename="${ascii}"`
    : `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
