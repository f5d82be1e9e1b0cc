// An account the operator disabled (encrypted-chat-admin users disable) signs in nowhere: POST /login (with a
// password, a stay-signed-in authHash or a device credential alike) and POST /users/{u}/recover answer this.
// It is given only after the password or recovery code was right, so it tells nobody else the account exists.
import { ApiError } from '../http/errors.js';

export const ACCOUNT_DISABLED_MESSAGE = "this account is disabled by the server's operator";

export const accountDisabled = (): ApiError => new ApiError('forbidden', ACCOUNT_DISABLED_MESSAGE);
