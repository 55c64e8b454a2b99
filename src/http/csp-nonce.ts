/**
 * The per-request Content-Security-Policy nonce: made on first use (a template that
 * writes `<script nonce="<%= cspNonce %>">`, an error page's style), so a response that
 * never uses one pays nothing and its header names none (as Django 6 does).
 */
import { randomBytes } from 'node:crypto';
import type { HttpRequest } from './request';

/** This request's nonce: 128 random bits, base64, the same on every call. */
export function cspNonce(request: HttpRequest): string {
  let nonce = request.state.cspNonce as string | undefined;
  if (nonce === undefined) {
    nonce = randomBytes(16).toString('base64');
    request.state.cspNonce = nonce;
  }
  return nonce;
}

/** The nonce when something used it during this request, else undefined. */
export function usedCspNonce(request: HttpRequest): string | undefined {
  return request.state.cspNonce as string | undefined;
}

/** `cspNonce` in a template: becomes the nonce when written out, and only then makes it. */
export class LazyCspNonce {
  constructor(private readonly request: HttpRequest) {}

  toString(): string {
    return cspNonce(this.request);
  }

  toJSON(): string {
    return cspNonce(this.request);
  }
}
