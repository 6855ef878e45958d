/*
 * chainsource.c - Bitcoin Core JSON-RPC and mempool.space REST over libcurl.
 *
 * One curl easy handle per source, reused so that keep-alive saves a TCP
 * handshake per request. A request is tried 1 + retries times; what is
 * transient and what is not is decided in one place (classify()). Bodies
 * are capped (MAX_BODY): every reply used here is a few hundred bytes.
 * Credentials live only in the handle (CURLOPT_USERPWD) and are wiped on
 * free; messages name the URL with any user:password@ removed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "hashpivot/alloc.h"
#include "hashpivot/chainsource.h"
#include "hashpivot/hex.h"

#define MAX_BODY (1u << 20)
#define MAX_SECRET 512

struct hp_chainsource {
	enum hp_chainsource_kind kind;
	CURL *curl;
	char *url;           /* as given (may hold credentials) */
	char *display_url;   /* without them */
	char secret[MAX_SECRET]; /* "user:password", or empty */
	double timeout_s;
	int retries;
	long backoff_ms, backoff_max_ms;
	long attempts;
	/* the last reply */
	char *body;
	size_t len;
	long http_code;
	bool overflow;
};

void hp_chainsource_opts_init(struct hp_chainsource_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = HP_CHAINSOURCE_RPC;
	o->timeout_s = 30;
	o->retries = 3;
	o->backoff_ms = 250;
	o->backoff_max_ms = 8000;
}

/* ------------------------------------------------------------------ */
/* setup                                                               */
/* ------------------------------------------------------------------ */

/* "http://user:pw@host:port/x" -> "http://host:port/x"; NULL when out of memory. */
static char *strip_credentials(const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *host = scheme ? scheme + 3 : url;
	const char *end = host + strcspn(host, "/?#");
	const char *at = NULL;
	char *out;

	for (const char *p = host; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return hp_strdup(url);
	out = hp_malloc(strlen(url) + 1);
	if (!out)
		return NULL;
	snprintf(out, strlen(url) + 1, "%.*s%s", (int)(host - url), url, at + 1);
	return out;
}

static enum hp_status read_cookie(const char *path, char *out, size_t n, struct hp_error *err)
{
	FILE *fp = fopen(path, "r");
	size_t len;

	if (!fp)
		return hp_error_set(err, HP_EINVAL, "--rpc-cookie", "%s: cannot read cookie: %s", path,
				    strerror(errno));
	len = fread(out, 1, n - 1, fp);
	fclose(fp);
	out[len] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	/* never echo the content: it is the password */
	if (!strchr(out, ':') || out[0] == ':')
		return hp_error_set(err, HP_EPARSE, "--rpc-cookie",
				    "%s: not a cookie file (user:password)", path);
	return HP_OK;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct hp_chainsource *s = arg;
	size_t n = size * nmemb;
	char *grown;

	if (s->len + n > MAX_BODY) {
		s->overflow = true;
		return 0; /* aborts the transfer */
	}
	grown = hp_realloc(s->body, s->len + n + 1);
	if (!grown)
		return 0;
	s->body = grown;
	memcpy(s->body + s->len, data, n);
	s->len += n;
	s->body[s->len] = '\0';
	return n;
}

enum hp_status hp_chainsource_new(const struct hp_chainsource_opts *o, struct hp_chainsource **out,
				  struct hp_error *err)
{
	const char *opt = o->kind == HP_CHAINSOURCE_RPC ? "--rpc-url" : "--api-url";
	struct hp_chainsource *s;
	enum hp_status st = HP_OK;

	if (!o->url || (strncmp(o->url, "http://", 7) != 0 && strncmp(o->url, "https://", 8) != 0))
		return hp_error_set(err, HP_EINVAL, opt, "must be an http:// or https:// URL");
	if (!(o->timeout_s > 0) || o->timeout_s > 86400)
		return hp_error_set(err, HP_EINVAL, "--timeout-s", "must be > 0 and <= 86400, got %g",
				    o->timeout_s);
	if (o->retries < 0)
		return hp_error_set(err, HP_EINVAL, "--retries", "must be >= 0, got %d", o->retries);
	if ((o->user != NULL) != (o->password != NULL))
		return hp_error_set(err, HP_EINVAL, o->user ? "--rpc-password" : "--rpc-user",
				    "needs %s too", o->user ? "--rpc-user" : "--rpc-password");
	s = hp_calloc(1, sizeof(*s));
	if (!s)
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	s->kind = o->kind;
	s->timeout_s = o->timeout_s;
	s->retries = o->retries;
	s->backoff_ms = o->backoff_ms > 0 ? o->backoff_ms : 0;
	s->backoff_max_ms = o->backoff_max_ms > s->backoff_ms ? o->backoff_max_ms : s->backoff_ms;
	s->url = hp_strdup(o->url);
	s->display_url = strip_credentials(o->url);
	if (!s->url || !s->display_url) {
		st = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	/* trailing slashes would double up in REST paths */
	for (size_t n = strlen(s->url); n > 8 && s->url[n - 1] == '/'; n--)
		s->url[n - 1] = '\0';
	for (size_t n = strlen(s->display_url); n > 8 && s->display_url[n - 1] == '/'; n--)
		s->display_url[n - 1] = '\0';
	if (o->cookie_file) {
		st = read_cookie(o->cookie_file, s->secret, sizeof(s->secret), err);
		if (st != HP_OK)
			goto fail;
	} else if (o->user) {
		int n = snprintf(s->secret, sizeof(s->secret), "%s:%s", o->user, o->password);

		if (n < 0 || (size_t)n >= sizeof(s->secret)) {
			st = hp_error_set(err, HP_EINVAL, "--rpc-password", "credentials too long");
			goto fail;
		}
	}
	s->curl = curl_easy_init();
	if (!s->curl) {
		st = hp_error_set(err, HP_ENOMEM, NULL, "cannot start libcurl");
		goto fail;
	}
	*out = s;
	return HP_OK;
fail:
	hp_chainsource_free(s);
	return st;
}

void hp_chainsource_free(struct hp_chainsource *s)
{
	if (!s)
		return;
	if (s->curl)
		curl_easy_cleanup(s->curl);
	/* volatile so the wipe is not optimised away */
	for (volatile char *p = s->secret; p < s->secret + sizeof(s->secret); p++)
		*p = 0;
	hp_free(s->url);
	hp_free(s->display_url);
	hp_free(s->body);
	hp_free(s);
}

const char *hp_chainsource_url(const struct hp_chainsource *s)
{
	return s->display_url;
}

long hp_chainsource_attempts(const struct hp_chainsource *s)
{
	return s->attempts;
}

/* ------------------------------------------------------------------ */
/* requests                                                            */
/* ------------------------------------------------------------------ */

enum outcome { DONE, TRANSIENT, FATAL };

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* One HTTP exchange. body != NULL makes it a JSON POST. */
static CURLcode perform(struct hp_chainsource *s, const char *url, const char *post,
			char errbuf[CURL_ERROR_SIZE])
{
	struct curl_slist *hdr = NULL;
	CURLcode rc;

	s->len = 0;
	s->overflow = false;
	s->http_code = 0;
	if (s->body)
		s->body[0] = '\0';
	errbuf[0] = '\0';
	curl_easy_reset(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_URL, url);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, (long)(s->timeout_s * 1000));
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)(s->timeout_s * 1000));
	curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "hashpivot/" HP_VERSION_STRING);
	if (s->secret[0]) {
		curl_easy_setopt(s->curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(s->curl, CURLOPT_USERPWD, s->secret);
	}
	if (post) {
		hdr = curl_slist_append(NULL, "Content-Type: application/json");
		curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, post);
	}
	s->attempts++;
	rc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->http_code);
	curl_slist_free_all(hdr);
	if (!s->body) {
		s->body = hp_malloc(1);
		if (s->body)
			s->body[0] = '\0';
	}
	return rc;
}

/* A JSON-RPC reply whose "error" is an object: Core's error, not a transient one. */
static bool is_rpc_error(const struct hp_chainsource *s)
{
	json_t *root, *e;
	bool yes;

	if (s->kind != HP_CHAINSOURCE_RPC || !s->len)
		return false;
	root = json_loadb(s->body, s->len, 0, NULL);
	e = root ? json_object_get(root, "error") : NULL;
	yes = e && json_is_object(e);
	json_decref(root);
	return yes;
}

/*
 * Sort an exchange: DONE (a 2xx, or an RPC error to report), TRANSIENT
 * (try again) or FATAL (report now). Fills err for the last two.
 */
static enum outcome classify(struct hp_chainsource *s, const char *url, CURLcode rc,
			     const char *errbuf, struct hp_error *err)
{
	if (rc == CURLE_WRITE_ERROR && s->overflow) {
		hp_error_set(err, HP_EIO, NULL, "%s: reply larger than %u bytes", url, MAX_BODY);
		return FATAL;
	}
	if (rc != CURLE_OK) {
		hp_error_set(err, HP_EIO, NULL, "%s: %s", url,
			     errbuf[0] ? errbuf : curl_easy_strerror(rc));
		switch (rc) {
		case CURLE_UNSUPPORTED_PROTOCOL:
		case CURLE_URL_MALFORMAT:
		case CURLE_OUT_OF_MEMORY:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_PEER_FAILED_VERIFICATION:
			return FATAL;
		default:
			return TRANSIENT;
		}
	}
	if (s->http_code == 401 || s->http_code == 403) {
		hp_error_set(err, HP_EIO, NULL, "%s: authentication failed (HTTP %ld)", url,
			     s->http_code);
		return FATAL;
	}
	if (s->http_code >= 200 && s->http_code < 300)
		return DONE;
	/* Core answers RPC errors (bad height, unknown block) with 500 or 404 */
	if (is_rpc_error(s))
		return DONE;
	hp_error_set(err, HP_EIO, NULL, "%s: HTTP %ld", url, s->http_code);
	return s->http_code >= 500 || s->http_code == 429 ? TRANSIENT : FATAL;
}

typedef enum hp_status (*parse_fn)(struct hp_chainsource *s, void *arg, struct hp_error *err);

/*
 * Make a request until it succeeds and its body parses, at most 1 + retries
 * times. A parse failure (HP_EPARSE) counts as transient: a body cut short
 * by a dropped connection looks just like that. Other parse results
 * (HP_EIO: an RPC error) are final.
 */
static enum hp_status request(struct hp_chainsource *s, const char *url, const char *shown,
			      const char *post, parse_fn parse, void *arg, struct hp_error *err)
{
	char errbuf[CURL_ERROR_SIZE];
	long wait = s->backoff_ms;
	struct hp_error last;
	enum hp_status st = HP_EIO;
	int attempts = 0;

	hp_error_clear(&last);
	for (;;) {
		enum outcome o;
		CURLcode rc = perform(s, url, post, errbuf);

		attempts++;
		if (!s->body)
			return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
		o = classify(s, shown, rc, errbuf, &last);
		if (o == DONE) {
			st = parse(s, arg, &last);
			if (st == HP_OK)
				return HP_OK;
			o = st == HP_EPARSE ? TRANSIENT : FATAL;
		}
		if (o == FATAL || attempts > s->retries)
			break;
		sleep_ms(wait);
		wait = wait * 2 > s->backoff_max_ms ? s->backoff_max_ms : wait * 2;
	}
	if (attempts > 1)
		return hp_error_set(err, last.status == HP_EPARSE ? HP_EIO : last.status, NULL,
				    "%s after %d attempts", last.message, attempts);
	return hp_error_set(err, last.status == HP_EPARSE ? HP_EIO : last.status, NULL, "%s",
			    last.message);
}

/* ------------------------------------------------------------------ */
/* parsers                                                             */
/* ------------------------------------------------------------------ */

/* The "result" of a JSON-RPC reply (a new reference), or NULL with err set. */
static json_t *rpc_result(const char *body, size_t len, const char *call, json_t **root,
			  struct hp_error *err)
{
	json_error_t je;
	json_t *e, *r;

	*root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!*root) {
		hp_error_set(err, HP_EPARSE, NULL, "%s: malformed JSON reply (%s)", call, je.text);
		return NULL;
	}
	if (!json_is_object(*root)) {
		hp_error_set(err, HP_EPARSE, NULL, "%s: reply is not a JSON-RPC object", call);
		return NULL;
	}
	e = json_object_get(*root, "error");
	if (e && json_is_object(e)) {
		json_t *code = json_object_get(e, "code"), *msg = json_object_get(e, "message");

		hp_error_set(err, HP_EIO, NULL, "%s: RPC error %lld: %.200s", call,
			     json_is_integer(code) ? (long long)json_integer_value(code) : 0LL,
			     json_is_string(msg) ? json_string_value(msg) : "(no message)");
		return NULL;
	}
	if (e && !json_is_null(e)) {
		hp_error_set(err, HP_EPARSE, NULL, "%s: \"error\" is neither null nor an object", call);
		return NULL;
	}
	r = json_object_get(*root, "result");
	if (!r || json_is_null(r)) {
		hp_error_set(err, HP_EPARSE, NULL, "%s: reply has no result", call);
		return NULL;
	}
	return r;
}

static enum hp_status get_int(json_t *obj, const char *key, const char *call, int64_t min,
			      int64_t *out, struct hp_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return hp_error_set(err, HP_EPARSE, NULL, "%s: %s missing or not an integer", call,
				    key);
	if (json_integer_value(v) < min)
		return hp_error_set(err, HP_EPARSE, NULL, "%s: %s must be >= %lld, got %lld", call,
				    key, (long long)min, (long long)json_integer_value(v));
	*out = json_integer_value(v);
	return HP_OK;
}

static enum hp_status decode_hex(const char *s, size_t slen, const char *call, uint8_t *out,
				 size_t n, bool reversed, struct hp_error *err)
{
	char buf[2 * HP_HEADER_SIZE + 1];
	uint8_t tmp[HP_HEADER_SIZE];

	if (n > HP_HEADER_SIZE || slen != 2 * n)
		return hp_error_set(err, HP_EPARSE, NULL, "%s: expected %zu hex digits, got %zu",
				    call, 2 * n, slen);
	memcpy(buf, s, slen);
	buf[slen] = '\0';
	if (hp_hex_decode(buf, tmp, n, NULL, NULL) != HP_OK)
		return hp_error_set(err, HP_EPARSE, NULL, "%s: not hexadecimal", call);
	for (size_t i = 0; i < n; i++)
		out[i] = reversed ? tmp[n - 1 - i] : tmp[i];
	return HP_OK;
}

enum hp_status hp_chainsource_parse_rpc_chaininfo(const char *body, size_t len, int64_t *blocks,
						  enum hp_network *net, struct hp_error *err)
{
	const char *call = "getblockchaininfo";
	json_t *root, *r = rpc_result(body, len, call, &root, err), *chain;
	enum hp_status st;
	int64_t b;

	if (!r) {
		json_decref(root);
		return err ? err->status : HP_EPARSE;
	}
	st = get_int(r, "blocks", call, 0, &b, err);
	chain = json_object_get(r, "chain");
	if (st == HP_OK && !json_is_string(chain))
		st = hp_error_set(err, HP_EPARSE, NULL, "%s: chain missing or not a string", call);
	if (st == HP_OK &&
	    hp_consensus_network_parse(json_string_value(chain), net, NULL, NULL) != HP_OK)
		st = hp_error_set(err, HP_EPARSE, NULL, "%s: unknown chain '%.40s'", call,
				  json_string_value(chain));
	if (st == HP_OK)
		*blocks = b;
	json_decref(root);
	return st;
}

enum hp_status hp_chainsource_parse_rpc_hex(const char *body, size_t len, const char *call,
					    uint8_t *out, size_t n, bool reversed,
					    struct hp_error *err)
{
	json_t *root, *r = rpc_result(body, len, call, &root, err);
	enum hp_status st;

	if (!r)
		st = err ? err->status : HP_EPARSE;
	else if (!json_is_string(r))
		st = hp_error_set(err, HP_EPARSE, NULL, "%s: result is not a string", call);
	else
		st = decode_hex(json_string_value(r), json_string_length(r), call, out, n, reversed,
				err);
	json_decref(root);
	return st;
}

enum hp_status hp_chainsource_parse_rpc_chainwork(const char *body, size_t len,
						  struct hp_u256 *work, struct hp_error *err)
{
	const char *call = "getblockheader";
	json_t *root, *r = rpc_result(body, len, call, &root, err), *cw;
	uint8_t be[32];
	enum hp_status st;

	if (!r) {
		json_decref(root);
		return err ? err->status : HP_EPARSE;
	}
	cw = json_object_get(r, "chainwork");
	if (!json_is_string(cw))
		st = hp_error_set(err, HP_EPARSE, NULL, "%s: chainwork missing or not a string",
				  call);
	else
		st = decode_hex(json_string_value(cw), json_string_length(cw), call, be, 32, false,
				err);
	if (st == HP_OK) {
		memset(work, 0, sizeof(*work));
		for (int i = 0; i < 32; i++)
			work->w[i / 8] |= (uint64_t)be[31 - i] << (8 * (i % 8));
	}
	json_decref(root);
	return st;
}

enum hp_status hp_chainsource_parse_rpc_stats(const char *body, size_t len, int64_t want_height,
					      struct hp_chaindb_stats *out, struct hp_error *err)
{
	const char *call = "getblockstats";
	json_t *root, *r = rpc_result(body, len, call, &root, err);
	struct hp_chaindb_stats v;
	int64_t height = want_height;
	enum hp_status st;

	if (!r) {
		json_decref(root);
		return err ? err->status : HP_EPARSE;
	}
	st = get_int(r, "totalfee", call, 0, &v.fees_sats, err);
	if (st == HP_OK)
		st = get_int(r, "subsidy", call, 0, &v.subsidy_sats, err);
	if (st == HP_OK)
		st = get_int(r, "txs", call, 1, &v.tx_count, err);
	/* height is optional (only asked stats come back), but must agree */
	if (st == HP_OK && json_object_get(r, "height"))
		st = get_int(r, "height", call, 0, &height, err);
	if (st == HP_OK && height != want_height)
		st = hp_error_set(err, HP_EPARSE, NULL, "%s: stats of block %lld, asked for %lld",
				  call, (long long)height, (long long)want_height);
	if (st == HP_OK)
		*out = v;
	json_decref(root);
	return st;
}

/* A REST text body without its one optional trailing newline. */
static size_t text_len(const char *body, size_t len)
{
	if (len && body[len - 1] == '\n')
		len--;
	if (len && body[len - 1] == '\r')
		len--;
	return len;
}

enum hp_status hp_chainsource_parse_rest_int(const char *body, size_t len, const char *call,
					     int64_t *out, struct hp_error *err)
{
	int64_t v = 0;

	len = text_len(body, len);
	if (len == 0 || len > 18)
		return hp_error_set(err, HP_EPARSE, NULL, "%s: expected a block height, got %zu bytes",
				    call, len);
	for (size_t i = 0; i < len; i++) {
		if (body[i] < '0' || body[i] > '9')
			return hp_error_set(err, HP_EPARSE, NULL,
					    "%s: expected a block height, got '%.*s'", call,
					    (int)len, body); /* len <= 18; body has no NUL */
		v = v * 10 + (body[i] - '0');
	}
	*out = v;
	return HP_OK;
}

enum hp_status hp_chainsource_parse_rest_hex(const char *body, size_t len, const char *call,
					     uint8_t *out, size_t n, bool reversed,
					     struct hp_error *err)
{
	return decode_hex(body, text_len(body, len), call, out, n, reversed, err);
}

enum hp_status hp_chainsource_parse_rest_block(const char *body, size_t len, const uint8_t hash[32],
					       struct hp_chaindb_stats *out, struct hp_error *err)
{
	const char *call = "/api/block";
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je), *id, *extras;
	struct hp_chaindb_stats v = {0, 0, 0};
	enum hp_status st = HP_OK;
	char want[65];

	if (!root)
		return hp_error_set(err, HP_EPARSE, NULL, "%s: malformed JSON reply (%s)", call,
				    je.text);
	hp_hex_encode_reversed(hash, 32, want);
	id = json_object_get(root, "id");
	extras = json_object_get(root, "extras");
	if (!json_is_object(root))
		st = hp_error_set(err, HP_EPARSE, NULL, "%s: reply is not an object", call);
	else if (!json_is_string(id) || strcmp(json_string_value(id), want) != 0)
		st = hp_error_set(err, HP_EPARSE, NULL, "%s: id is not %s", call, want);
	else if (!json_is_object(extras))
		st = hp_error_set(err, HP_EPARSE, NULL,
				  "%s: no extras (not a mempool.space backend?)", call);
	if (st == HP_OK)
		st = get_int(root, "tx_count", call, 1, &v.tx_count, err);
	if (st == HP_OK)
		st = get_int(extras, "totalFees", call, 0, &v.fees_sats, err);
	if (st == HP_OK)
		*out = v;
	json_decref(root);
	return st;
}

/* ------------------------------------------------------------------ */
/* the calls                                                           */
/* ------------------------------------------------------------------ */

struct hex_arg {
	const char *call;
	uint8_t *out;
	size_t n;
	bool reversed;
};

static enum hp_status parse_rpc_hex_cb(struct hp_chainsource *s, void *arg, struct hp_error *err)
{
	struct hex_arg *a = arg;

	return hp_chainsource_parse_rpc_hex(s->body, s->len, a->call, a->out, a->n, a->reversed,
					    err);
}

static enum hp_status parse_rest_hex_cb(struct hp_chainsource *s, void *arg, struct hp_error *err)
{
	struct hex_arg *a = arg;

	return hp_chainsource_parse_rest_hex(s->body, s->len, a->call, a->out, a->n, a->reversed,
					     err);
}

struct tip_arg {
	int64_t height;
	enum hp_network net;
};

static enum hp_status parse_chaininfo_cb(struct hp_chainsource *s, void *arg, struct hp_error *err)
{
	struct tip_arg *a = arg;

	return hp_chainsource_parse_rpc_chaininfo(s->body, s->len, &a->height, &a->net, err);
}

static enum hp_status parse_tip_cb(struct hp_chainsource *s, void *arg, struct hp_error *err)
{
	struct tip_arg *a = arg;

	return hp_chainsource_parse_rest_int(s->body, s->len, "/api/blocks/tip/height", &a->height,
					     err);
}

static enum hp_status parse_work_cb(struct hp_chainsource *s, void *arg, struct hp_error *err)
{
	return hp_chainsource_parse_rpc_chainwork(s->body, s->len, arg, err);
}

struct stats_arg {
	int64_t height;
	const uint8_t *hash;
	struct hp_chaindb_stats *out;
};

static enum hp_status parse_rpc_stats_cb(struct hp_chainsource *s, void *arg, struct hp_error *err)
{
	struct stats_arg *a = arg;

	return hp_chainsource_parse_rpc_stats(s->body, s->len, a->height, a->out, err);
}

static enum hp_status parse_rest_block_cb(struct hp_chainsource *s, void *arg,
					  struct hp_error *err)
{
	struct stats_arg *a = arg;

	return hp_chainsource_parse_rest_block(s->body, s->len, a->hash, a->out, err);
}

/* A JSON-RPC call; params is the JSON text of the params array. */
static enum hp_status rpc(struct hp_chainsource *s, const char *method, const char *params,
			  parse_fn parse, void *arg, struct hp_error *err)
{
	char post[512];

	snprintf(post, sizeof(post),
		 "{\"jsonrpc\":\"1.0\",\"id\":\"hashpivot\",\"method\":\"%s\",\"params\":%s}",
		 method, params);
	return request(s, s->url, s->display_url, post, parse, arg, err);
}

/* A REST GET of base URL + path; messages name the URL without credentials. */
static enum hp_status rest(struct hp_chainsource *s, const char *path, parse_fn parse, void *arg,
			   struct hp_error *err)
{
	char url[HP_CHAINDB_PATH_MAX], shown[HP_CHAINDB_PATH_MAX];

	snprintf(url, sizeof(url), "%s%s", s->url, path);
	snprintf(shown, sizeof(shown), "%s%s", s->display_url, path);
	return request(s, url, shown, NULL, parse, arg, err);
}

enum hp_status hp_chainsource_tip(struct hp_chainsource *s, int64_t *height, bool *net_known,
				  enum hp_network *net, struct hp_error *err)
{
	struct tip_arg a = {0, HP_NET_MAIN};
	enum hp_status st;

	if (s->kind == HP_CHAINSOURCE_RPC)
		st = rpc(s, "getblockchaininfo", "[]", parse_chaininfo_cb, &a, err);
	else
		st = rest(s, "/api/blocks/tip/height", parse_tip_cb, &a, err);
	if (st != HP_OK)
		return st;
	*height = a.height;
	*net_known = s->kind == HP_CHAINSOURCE_RPC;
	*net = a.net;
	return HP_OK;
}

enum hp_status hp_chainsource_block_hash(struct hp_chainsource *s, int64_t height, uint8_t hash[32],
					 struct hp_error *err)
{
	char buf[64];

	if (s->kind == HP_CHAINSOURCE_RPC) {
		struct hex_arg a = {"getblockhash", hash, 32, true};

		snprintf(buf, sizeof(buf), "[%lld]", (long long)height);
		return rpc(s, "getblockhash", buf, parse_rpc_hex_cb, &a, err);
	} else {
		struct hex_arg a = {"/api/block-height", hash, 32, true};

		snprintf(buf, sizeof(buf), "/api/block-height/%lld", (long long)height);
		return rest(s, buf, parse_rest_hex_cb, &a, err);
	}
}

enum hp_status hp_chainsource_header(struct hp_chainsource *s, const uint8_t hash[32],
				     uint8_t raw[HP_HEADER_SIZE], struct hp_error *err)
{
	char hex[65], buf[128];

	hp_hex_encode_reversed(hash, 32, hex);
	if (s->kind == HP_CHAINSOURCE_RPC) {
		struct hex_arg a = {"getblockheader", raw, HP_HEADER_SIZE, false};

		snprintf(buf, sizeof(buf), "[\"%s\",false]", hex);
		return rpc(s, "getblockheader", buf, parse_rpc_hex_cb, &a, err);
	} else {
		struct hex_arg a = {"/api/block/HASH/header", raw, HP_HEADER_SIZE, false};

		snprintf(buf, sizeof(buf), "/api/block/%s/header", hex);
		return rest(s, buf, parse_rest_hex_cb, &a, err);
	}
}

enum hp_status hp_chainsource_chainwork(struct hp_chainsource *s, const uint8_t hash[32],
					bool *known, struct hp_u256 *work, struct hp_error *err)
{
	char hex[65], buf[128];
	enum hp_status st;

	*known = false;
	if (s->kind != HP_CHAINSOURCE_RPC)
		return HP_OK;
	hp_hex_encode_reversed(hash, 32, hex);
	snprintf(buf, sizeof(buf), "[\"%s\",true]", hex);
	st = rpc(s, "getblockheader", buf, parse_work_cb, work, err);
	*known = st == HP_OK;
	return st;
}

enum hp_status hp_chainsource_stats(struct hp_chainsource *s, const struct hp_chain_params *p,
				    int64_t height, const uint8_t hash[32],
				    struct hp_chaindb_stats *out, struct hp_error *err)
{
	struct stats_arg a = {height, hash, out};
	char buf[128];

	if (s->kind == HP_CHAINSOURCE_RPC) {
		snprintf(buf, sizeof(buf), "[%lld,[\"totalfee\",\"subsidy\",\"txs\",\"height\"]]",
			 (long long)height);
		return rpc(s, "getblockstats", buf, parse_rpc_stats_cb, &a, err);
	} else {
		char hex[65];
		enum hp_status st;

		hp_hex_encode_reversed(hash, 32, hex);
		snprintf(buf, sizeof(buf), "/api/block/%s", hex);
		st = rest(s, buf, parse_rest_block_cb, &a, err);
		if (st == HP_OK)
			out->subsidy_sats = hp_consensus_subsidy_sats(p, height);
		return st;
	}
}
