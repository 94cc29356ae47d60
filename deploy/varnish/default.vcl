vcl 4.1;
# The CDN in front of ketamine-content-api: caches what the API marks public, keys every object on the API's
# Surrogate-Key header (vmod xkey), purges exactly the keys a release changed, and keeps serving current
# content when every origin is down (stale-if-error through grace).
#
# Deployment-specific parts live in two included files, so this one is the same everywhere:
#   backends.vcl      the origins, `sub kca_backend { set req.backend_hint = ...; }` and `sub kca_backend_response {}`
#                     for per-site tuning of fetched objects (see backends.vcl.example)
#   purge-token.vcl   `sub kca_purge_authorized { ... }` comparing the purge token (see purge-token.vcl.example)
import std;
import xkey;

include "backends.vcl";
include "purge-token.vcl";

# Purges are accepted only from these addresses AND with the token: the API's publisher sends them.
acl kca_purgers {
  "127.0.0.1";
  "::1";
}

sub vcl_recv {
  call kca_backend;
  # Stale-while-revalidate (10 min) while an origin is healthy; when none is, the object's whole grace
  # (stale-if-error, a day) applies, so current content keeps being served through an outage.
  if (std.healthy(req.backend_hint)) {
    set req.grace = 600s;
  }
  if (req.method == "PURGE") {
    if (client.ip !~ kca_purgers) {
      return (synth(403, "Forbidden"));
    }
    call kca_purge_authorized;
    if (req.http.x-kca-purge-ok != "1") {
      return (synth(401, "Unauthorized"));
    }
    if (!req.http.xkey) {
      return (synth(400, "xkey header required"));
    }
    set req.http.x-kca-purged = xkey.purge(req.http.xkey);
    return (synth(200, "Purged " + req.http.x-kca-purged));
  }
  unset req.http.x-kca-purge-ok;
  if (req.method != "GET" && req.method != "HEAD") {
    return (pass);
  }
  # Keys and preview reads are per client: never shared through the cache.
  if (req.http.authorization || req.http.x-api-key || req.url ~ "[?&]preview=") {
    return (pass);
  }
  # The API varies on these only; cookies are never used by it.
  unset req.http.cookie;
  # The API compresses by itself (brotli or gzip, Vary: Accept-Encoding). Fetch and keep exactly the encoding the
  # client takes, one variant each of br, gzip and identity: left to Varnish's gzip support, every object would be
  # fetched and stored gzip-compressed (br never reached a client) and then gunzipped again on every hit for
  # clients that send no Accept-Encoding, which at ~21 KB was most of Varnish's CPU per hit.
  if (req.http.accept-encoding ~ "(^|[ ,])br($|[ ,;])" && req.http.accept-encoding !~ "(^|[ ,])br *; *q=0(\.0*)? *($|,)") {
    set req.http.x-kca-ae = "br";
  } elsif (req.http.accept-encoding ~ "(^|[ ,])(x-)?gzip($|[ ,;])" && req.http.accept-encoding !~ "(^|[ ,])(x-)?gzip *; *q=0(\.0*)? *($|,)") {
    set req.http.x-kca-ae = "gzip";
  } else {
    set req.http.x-kca-ae = "identity";
  }
  set req.http.accept-encoding = req.http.x-kca-ae;
  return (hash);
}

sub vcl_hash {
  # Varnish's gzip support folds br and gzip clients together for Vary: the encoding is part of the key instead.
  hash_data(req.http.x-kca-ae);
  # (falls through to the built-in vcl_hash: URL and Host)
}

sub vcl_backend_fetch {
  # Ask the origin for the encoding this variant is (Varnish would otherwise ask for gzip on every fetch).
  if (bereq.http.x-kca-ae) {
    if (bereq.http.x-kca-ae == "identity") {
      unset bereq.http.accept-encoding;
    } else {
      set bereq.http.accept-encoding = bereq.http.x-kca-ae;
    }
    unset bereq.http.x-kca-ae;
  }
}

sub vcl_backend_response {
  # The API's Surrogate-Key names every entity in the answer; xkey indexes the object by each of them.
  if (beresp.http.surrogate-key) {
    set beresp.http.xkey = beresp.http.surrogate-key;
  }
  # Keep objects a day past their TTL so they can be served while every origin is down (stale-if-error=86400).
  if (beresp.http.cache-control ~ "stale-if-error=") {
    set beresp.grace = std.duration(regsub(beresp.http.cache-control, "^.*stale-if-error=([0-9]+).*$", "\1") + "s", 1d);
  }
  call kca_backend_response;
  # Errors are never cached for long: a 5xx from a restarting origin must not stick.
  if (beresp.status >= 500) {
    set beresp.ttl = 0s;
    set beresp.uncacheable = true;
    return (deliver);
  }
}

sub vcl_backend_error {
  # Reached only when no stale copy could be delivered: say so plainly, in the API's error shape.
  set beresp.status = 503;
  set beresp.http.content-type = "application/problem+json";
  set beresp.http.cache-control = "no-store";
  synthetic("""{"type":"about:blank","title":"Service Unavailable","status":503,"code":"KCA_ERR_UNAVAILABLE","detail":"no origin could answer"}""");
  return (deliver);
}

sub vcl_deliver {
  # The index key is internal to the cache; Surrogate-Key stays for downstream caches.
  unset resp.http.xkey;
  if (obj.hits > 0) {
    set resp.http.x-cache = "HIT";
  } else {
    set resp.http.x-cache = "MISS";
  }
}
