/**
 * The default middleware stack new apps get (`settings.middleware`), Django's order with
 * RequestId (30) outside it: Security 100, Session 200, Common 300, Csrf 400, Authentication 500, Messages 600,
 * XFrameOptions 700. GZip (50), ConditionalGet (60) and Cors (150) ship off; add them to
 * `settings.middleware` to use them.
 */
import type { Class } from '../metadata/keys';
import { AuthenticationMiddleware } from './authentication';
import { CommonMiddleware } from './common';
import { CsrfViewMiddleware } from './csrf';
import { MessageMiddleware } from './messages';
import { RequestIdMiddleware } from './request-id';
import { SecurityMiddleware } from './security';
import { SessionMiddleware } from './session';
import { XFrameOptionsMiddleware } from './x-frame-options';

export const DEFAULT_MIDDLEWARE: readonly Class[] = Object.freeze([
  RequestIdMiddleware,
  SecurityMiddleware,
  SessionMiddleware,
  CommonMiddleware,
  CsrfViewMiddleware,
  AuthenticationMiddleware,
  MessageMiddleware,
  XFrameOptionsMiddleware,
]);
