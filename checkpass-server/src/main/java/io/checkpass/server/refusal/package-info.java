/** Domain refusals: why the centre says no, as data the HTTP layer and the CLI map to their own answers. */
package io.checkpass.server.refusal;
