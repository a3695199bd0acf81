/* net2: two network devices work at the same time. The responder is the
 * net test's; only the manifest (two NET_BASIC entries) differs, so the
 * code is shared rather than copied. */

#include "../net/net.c"
