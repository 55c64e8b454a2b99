/**
 * `@LoginRequired()` and `@PermissionRequired(perm)`: view flags that AuthenticationMiddleware
 * enforces in processView (redirect to loginUrl, 401 for JSON clients, 403 without the
 * permission).
 */
import { ViewOption, viewOptionNeeds } from '../views/view-options';

export const LOGIN_REQUIRED = 'loginRequired';
export const PERMISSION_REQUIRED = 'permissionRequired';
viewOptionNeeds(LOGIN_REQUIRED, '@LoginRequired()', 'AuthenticationMiddleware');
viewOptionNeeds(PERMISSION_REQUIRED, '@PermissionRequired()', 'AuthenticationMiddleware');

/** Only logged-in users reach this view (or every view of the controller). */
export const LoginRequired = (): ClassDecorator & MethodDecorator => ViewOption(LOGIN_REQUIRED, true);

/** Only users holding every listed permission reach this view; others get 403. */
export const PermissionRequired = (...permissions: string[]): ClassDecorator & MethodDecorator =>
  ViewOption(PERMISSION_REQUIRED, Object.freeze(permissions));
