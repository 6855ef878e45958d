/*
 * fuzz_server.c - raw HTTP/1.1 requests to `hashpivot serve`'s router.
 *
 * LLVMFuzzerInitialize starts one server in-process with no socket and no
 * thread of its own (srv_config.no_listen: libmicrohttpd's external
 * polling, driven here by srv_poll), with tiny job budgets (200 days of
 * simulation and 200 path-days, 600 path-months, two jobs at a time) and
 * the shipped data. Each input is the bytes one client sends on one
 * connection (one request or several pipelined): a socketpair's one end
 * goes to the server, the input is written to the other and its write
 * side shut, and the server is polled until it closes the connection,
 * then until the jobs the input started (POST pivot, treasury, simulate)
 * have ended, so that what they do belongs to this input: at most
 * FUZZ_SERVER_WAIT_S seconds in all (longer is a hang: abort).
 *
 * Asserted of what comes back: nothing, or a sequence of well-formed
 * responses (a status line "HTTP/1.x NNN ...", headers ending in a blank
 * line, a body of its Content-Length, or none after HEAD); every JSON
 * body parses with jansson and is an object, an error body carries
 * "error" and "status" equal to the HTTP status, and JSON responses are
 * not cached or sniffed. A request that starts like one, whose headers
 * end and whose whole body (by Content-Length) is there gets at least one
 * response. FUZZ_SERVER_SHOW=1 in the environment prints the responses on
 * stderr (to look at a crasher).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fuzz.h"
#include "server.h"

#define FUZZ_SERVER_WAIT_S 8.0
#define FUZZ_SERVER_INPUT_MAX ((size_t)1 << 18)
#define FUZZ_SERVER_OUTPUT_MAX ((size_t)64 << 20)

static struct srv *server;
static struct srv_config config;
static bool show; /* FUZZ_SERVER_SHOW=1: the responses on stderr */
static char data_dir[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *env = getenv("HASHPIVOT_DATA_DIR");
	FILE *log;
	unsigned port;

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	show = getenv("FUZZ_SERVER_SHOW") != NULL;
	/* the shipped data: $HASHPIVOT_DATA_DIR, else ./data (the top of the tree) */
	if (env && *env) {
		snprintf(data_dir, sizeof(data_dir), "%s", env);
	} else {
		char cwd[3900];

		if (!getcwd(cwd, sizeof(cwd)))
			exit(1);
		snprintf(data_dir, sizeof(data_dir), "%s/data", cwd);
		setenv("HASHPIVOT_DATA_DIR", data_dir, 1);
	}
	if (!(log = fopen("/dev/null", "w")))
		exit(1);
	config.no_listen = true;
	config.max_jobs = 2;
	config.job_threads = 1;
	config.http_threads = 1;
	config.timeout_s = 30;
	config.data_dir = data_dir;
	config.max_days = 200;
	config.max_path_days = 200;
	config.max_path_months = 600;
	if (!(server = srv_start(&config, cli_command_find("serve"), log, &port)))
		exit(1);
	return 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *find(const void *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	const char *h = hay;

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(h + i, needle, k))
			return h + i;
	return NULL;
}

static bool starts(const char *p, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && !memcmp(p, prefix, k);
}

/* The value of header name in the header block [h, h + n), or NULL; its
 * length in *len. */
static const char *header(const char *h, size_t n, const char *name, size_t *len)
{
	size_t k = strlen(name);
	const char *end = h + n, *line = h;

	while (line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *le = eol ? eol : end;

		if ((size_t)(le - line) > k && !strncasecmp(line, name, k) && line[k] == ':') {
			const char *v = line + k + 1;

			while (v < le && *v == ' ')
				v++;
			*len = (size_t)(le - v);
			if (*len && v[*len - 1] == '\r')
				(*len)--;
			return v;
		}
		line = le + 1;
	}
	return NULL;
}

static void check_json(const char *body, size_t len, int status)
{
	json_error_t e;
	json_t *v = json_loadb(body, len, 0, &e);

	if (!v)
		fprintf(stderr, "fuzz_server: JSON body does not parse: %s: %.200s\n", e.text, body);
	FUZZ_ASSERT(v != NULL);
	FUZZ_ASSERT(json_is_object(v));
	if (status >= 400) {
		FUZZ_ASSERT(json_is_string(json_object_get(v, "error")));
		FUZZ_ASSERT(json_integer_value(json_object_get(v, "status")) == status);
	}
	json_decref(v);
}

/* Every response in out[0..n); returns how many. */
static size_t check_responses(const char *out, size_t n)
{
	size_t pos = 0, count = 0;

	while (pos < n) {
		const char *r = out + pos, *hdr_end, *v;
		size_t left = n - pos, hlen, vlen, body_len;
		int status;

		FUZZ_ASSERT(starts(r, left, "HTTP/1.1 ") || starts(r, left, "HTTP/1.0 "));
		FUZZ_ASSERT(left >= 13 && r[9] >= '1' && r[9] <= '5' && r[10] >= '0' && r[10] <= '9' &&
			    r[11] >= '0' && r[11] <= '9' && r[12] == ' ');
		status = (r[9] - '0') * 100 + (r[10] - '0') * 10 + (r[11] - '0');
		hdr_end = find(r, left, "\r\n\r\n");
		FUZZ_ASSERT(hdr_end != NULL);
		hlen = (size_t)(hdr_end - r) + 2;
		pos += hlen + 2;
		left = n - pos;
		count++;
		if (header(r, hlen, "Transfer-Encoding", &vlen))
			break; /* chunked: not what the server sends; nothing more to check */
		if ((v = header(r, hlen, "Content-Length", &vlen))) {
			char num[24];

			FUZZ_ASSERT(vlen > 0 && vlen < sizeof(num));
			memcpy(num, v, vlen);
			num[vlen] = '\0';
			body_len = (size_t)strtoull(num, NULL, 10);
		} else {
			body_len = left; /* until the connection closes */
		}
		if (status < 200 || status == 204 || status == 304)
			body_len = 0;
		/* after HEAD the length is announced but no body follows */
		if (body_len && (left == 0 || starts(out + pos, left, "HTTP/1.")))
			continue;
		FUZZ_ASSERT(left >= body_len);
		v = header(r, hlen, "Content-Type", &vlen);
		if (v && vlen >= 16 && !strncmp(v, "application/json", 16)) {
			FUZZ_ASSERT(header(r, hlen, "Cache-Control", &vlen) != NULL);
			FUZZ_ASSERT(header(r, hlen, "X-Content-Type-Options", &vlen) != NULL);
			check_json(out + pos, body_len, status);
		}
		pos += body_len;
	}
	return count;
}

/* Starts like a request ("METHOD /path"), its headers end, none is folded
 * onto a second line and its body (Content-Length, not chunked) is all
 * there: it must be answered. A folded line is left out because
 * libmicrohttpd 0.9.75 joins it to the header's name, not its value: after
 * "Content-Length: 9\r\n x" the body has no length, and a later
 * Content-Length is the only one it has (found by fuzz-smoke in CI: the
 * server rightly waited for a longer body than this function counted). */
static bool complete_request(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *end, *v;
	size_t i = 0, hlen, vlen;

	while (i < size && data[i] >= 'A' && data[i] <= 'Z')
		i++;
	if (!(i > 0 && i + 1 < size && data[i] == ' ' && data[i + 1] == '/'))
		return false;
	if (!(end = find(in, size, "\r\n\r\n")))
		return false;
	hlen = (size_t)(end - in) + 2;
	for (v = in; (v = memchr(v, '\n', (size_t)(in + hlen - v))) && ++v < in + hlen;)
		if (*v == ' ' || *v == '\t')
			return false;
	if (header(in, hlen, "Transfer-Encoding", &vlen))
		return false;
	if ((v = header(in, hlen, "Content-Length", &vlen))) {
		size_t n = 0;

		for (i = 0; i < vlen; i++) {
			if (v[i] < '0' || v[i] > '9' || n > SIZE_MAX / 10 - 10)
				return false;
			n = n * 10 + (size_t)(v[i] - '0');
		}
		return size - (hlen + 2) >= n;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	size_t sent = 0, got = 0, cap = 0;
	char *out = NULL;
	bool shut = false, eof = false;
	double t0 = mono_s();

	if (size > FUZZ_SERVER_INPUT_MAX)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) != 0)
		abort();
	if (!srv_add_connection(server, sv[1]))
		abort();
	while (!eof) {
		ssize_t n;

		if (sent < size) {
			n = send(sv[0], data + sent, size - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
				sent = size; /* the server closed its end */
		}
		if (sent == size && !shut) {
			shutdown(sv[0], SHUT_WR);
			shut = true;
		}
		srv_poll(server, 1);
		for (;;) {
			if (got + 65536 > cap) {
				char *nb;

				if (cap >= FUZZ_SERVER_OUTPUT_MAX)
					break;
				cap = cap ? cap * 2 : 65536;
				if (!(nb = realloc(out, cap + 1)))
					abort();
				out = nb;
			}
			n = recv(sv[0], out + got, cap - got, 0);
			if (n > 0) {
				got += (size_t)n;
				continue;
			}
			if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
				eof = true;
			break;
		}
		if (!eof && mono_s() - t0 > FUZZ_SERVER_WAIT_S) {
			fprintf(stderr, "fuzz_server: no end of the response in %.0f s\n",
				FUZZ_SERVER_WAIT_S);
			abort();
		}
	}
	close(sv[0]);
	/* a job started by this input ends within it (the budgets are tiny):
	 * its coverage, leaks and crashes belong to this input */
	while (srv_active_jobs(server) > 0) {
		struct timespec ms = { 0, 1000000 };

		if (mono_s() - t0 > FUZZ_SERVER_WAIT_S) {
			fprintf(stderr, "fuzz_server: a job still running after %.0f s\n",
				FUZZ_SERVER_WAIT_S);
			abort();
		}
		nanosleep(&ms, NULL);
	}
	if (show && got)
		fwrite(out, 1, got, stderr);
	if (got < FUZZ_SERVER_OUTPUT_MAX) {
		size_t responses;

		if (out)
			out[got] = '\0';
		responses = check_responses(out ? out : "", got);
		if (complete_request(data, size))
			FUZZ_ASSERT(responses > 0);
	}
	free(out);
	return 0;
}
