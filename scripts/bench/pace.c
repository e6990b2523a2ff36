// pace: an open-loop (constant-throughput) HTTP/1.1 load generator, in the spirit of wrk2, for the
// "added latency at half load" figure of `npm run bench`. One thread, epoll, Linux, libc only.
//
//   pace URL -r RATE -d SECONDS [-c CONNECTIONS] [-H 'Name: value']... [-w WARMUP_S] [-t TIMEOUT_MS]
//
// Request i is due at start + i/RATE, whatever the server does. It goes out on the next idle
// keep-alive connection (a fixed set, used in turn); when every connection is busy it waits for
// one. Its latency is measured from when it was *due*, not from when it was written, so a stall
// of the server (or of this client) shows in the tail instead of silently lowering the rate
// (coordinated omission). The time from write to response ("service time", what a closed-loop
// client reports), the lag from due to write, and how late the OS woke this client for its timer
// (its own share of the latencies, which no open-loop client can avoid on a busy machine) are
// reported too. Result: JSON on stdout.
//
// Responses are framed by Content-Length, chunked transfer coding, or connection close; one
// request in flight per connection (no pipelining). Non-2xx statuses, socket errors, malformed
// responses and timeouts are counted; only completed responses enter the histograms.
// PACE_TIMERFD=1 in the environment forces the timerfd wait used on kernels without epoll_pwait2.
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_MS 1000000ULL
#define NS_PER_S 1000000000ULL
#define HEAD_MAX 16384
#define READ_BUF 65536
#define RECONNECT_NS (10 * NS_PER_MS)
#define TIMEOUT_SCAN_NS (20 * NS_PER_MS)

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void die(const char *msg) {
  fprintf(stderr, "pace: %s\n", msg);
  exit(2);
}

// ---- Log-linear histogram (HdrHistogram's layout): values below 2^SUB_BITS are exact, above that
// each power of two is split into 2^(SUB_BITS-1) equal buckets, so any value is kept to within
// 1/1024 (0.1%) of itself. Values are nanoseconds, capped at ~18 minutes.
#define SUB_BITS 11
#define HALF_SUB (1 << (SUB_BITS - 1))
#define MAX_SHIFT 30
#define HIST_LEN ((MAX_SHIFT + 2) * HALF_SUB)

typedef struct {
  uint64_t counts[HIST_LEN];
  uint64_t total, max, sum;
} hist_t;

static int hist_index(uint64_t v) {
  if (v < (1ULL << SUB_BITS)) return (int)v;
  int shift = (63 - __builtin_clzll(v)) - (SUB_BITS - 1);
  if (shift > MAX_SHIFT) return HIST_LEN - 1;
  return shift * HALF_SUB + (int)(v >> shift);
}

// Midpoint of the values a bucket holds.
static uint64_t hist_value(int i) {
  if (i < (1 << SUB_BITS)) return (uint64_t)i;
  int shift = i / HALF_SUB - 1;
  uint64_t low = (uint64_t)(i - shift * HALF_SUB) << shift;
  return low + ((1ULL << shift) >> 1);
}

static void hist_record(hist_t *h, uint64_t v) {
  h->counts[hist_index(v)]++;
  h->total++;
  h->sum += v;
  if (v > h->max) h->max = v;
}

static uint64_t hist_percentile(const hist_t *h, double p) {
  if (h->total == 0) return 0;
  double exact = p / 100.0 * (double)h->total;
  uint64_t rank = (uint64_t)exact;
  if ((double)rank < exact) rank++; // ceil
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (int i = 0; i < HIST_LEN; i++) {
    seen += h->counts[i];
    if (seen >= rank) {
      uint64_t v = hist_value(i);
      return v > h->max ? h->max : v; // never report more than was seen
    }
  }
  return h->max;
}

static void print_hist(const char *name, const hist_t *h, int last) {
  double ms = (double)NS_PER_MS;
  if (h->total == 0) {
    printf("  \"%s\": null%s\n", name, last ? "" : ",");
    return;
  }
  printf("  \"%s\": {\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, \"p999\": %.3f, \"max\": %.3f, \"mean\": %.3f}%s\n", name,
         hist_percentile(h, 50) / ms, hist_percentile(h, 90) / ms, hist_percentile(h, 99) / ms,
         hist_percentile(h, 99.9) / ms, h->max / ms, (double)h->sum / (double)h->total / ms, last ? "" : ",");
}

// ---- Connections and the response parser.
enum { C_DOWN, C_CONNECTING, C_IDLE, C_BUSY };
enum { P_HEAD, P_BODY_LENGTH, P_CHUNK_SIZE, P_CHUNK_DATA, P_CHUNK_CRLF, P_TRAILER, P_BODY_EOF };

typedef struct conn {
  int fd, state, id;
  struct conn *prev, *next; // idle list links
  uint64_t due, sent, retry_at;
  size_t written;
  int counted, want_write;
  // parser
  int ps, status, close_after, chunk_digits, chunk_ext, line_len;
  uint64_t remaining;
  size_t head_len;
  char head[HEAD_MAX];
} conn_t;

static struct {
  struct addrinfo *addr;
  char *request;
  size_t request_len;
  int epfd, timerfd, nconn, pwait2;
  conn_t *conns;
  conn_t *idle_head, *idle_tail;
  int idle_count, busy_count;
  uint64_t armed;
  uint64_t timeout_ns;
  uint64_t first_measured_due, last_done;
  hist_t latency, service, lag, wake_lag;
  uint64_t ok, non2xx, err_connect, err_read, err_write, err_timeout, err_protocol, unsent, reconnects;
} g;

static void idle_push(conn_t *c) {
  c->state = C_IDLE;
  c->next = NULL;
  c->prev = g.idle_tail;
  if (g.idle_tail) g.idle_tail->next = c; else g.idle_head = c;
  g.idle_tail = c;
  g.idle_count++;
}

static void idle_remove(conn_t *c) {
  if (c->prev) c->prev->next = c->next; else g.idle_head = c->next;
  if (c->next) c->next->prev = c->prev; else g.idle_tail = c->prev;
  c->prev = c->next = NULL;
  g.idle_count--;
}

static void epoll_set(conn_t *c, int op, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  if (epoll_ctl(g.epfd, op, c->fd, &ev) != 0) die("epoll_ctl failed");
}

static void conn_open(conn_t *c, uint64_t now) {
  c->fd = socket(g.addr->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) die("socket() failed");
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, g.addr->ai_addr, g.addr->ai_addrlen) != 0 && errno != EINPROGRESS) {
    g.err_connect++;
    close(c->fd);
    c->fd = -1;
    c->state = C_DOWN;
    c->retry_at = now + RECONNECT_NS;
    return;
  }
  c->state = C_CONNECTING;
  epoll_set(c, EPOLL_CTL_ADD, EPOLLOUT | EPOLLIN);
}

// Drops the socket; a connection that failed to connect retries after a pause, others reconnect now.
static void conn_close(conn_t *c, uint64_t now, int pause) {
  if (c->state == C_IDLE) idle_remove(c);
  if (c->state == C_BUSY) g.busy_count--;
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->state = C_DOWN;
  c->retry_at = now + (pause ? RECONNECT_NS : 0);
  g.reconnects++;
}

static void parser_reset(conn_t *c) {
  c->ps = P_HEAD;
  c->head_len = 0;
  c->status = 0;
  c->close_after = 0;
  c->remaining = 0;
}

static void send_request(conn_t *c, uint64_t due, int counted, uint64_t now);

static void write_some(conn_t *c, uint64_t now) {
  while (c->written < g.request_len) {
    ssize_t n = send(c->fd, g.request + c->written, g.request_len - c->written, MSG_NOSIGNAL);
    if (n > 0) { c->written += (size_t)n; continue; }
    if (n < 0 && errno == EAGAIN) {
      if (!c->want_write) { c->want_write = 1; epoll_set(c, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT); }
      return;
    }
    if (c->counted) g.err_write++;
    conn_close(c, now, 0);
    return;
  }
  if (c->want_write) { c->want_write = 0; epoll_set(c, EPOLL_CTL_MOD, EPOLLIN); }
}

static void send_request(conn_t *c, uint64_t due, int counted, uint64_t now) {
  idle_remove(c);
  c->state = C_BUSY;
  g.busy_count++;
  c->due = due;
  c->sent = now;
  c->counted = counted;
  c->written = 0;
  parser_reset(c);
  if (counted) hist_record(&g.lag, now - due);
  write_some(c, now);
}

// Case-insensitive "name:" prefix test on one header line; returns the value or NULL.
static const char *header_value(const char *line, const char *end, const char *name) {
  size_t n = strlen(name);
  if ((size_t)(end - line) <= n || strncasecmp(line, name, n) != 0 || line[n] != ':') return NULL;
  const char *v = line + n + 1;
  while (v < end && (*v == ' ' || *v == '\t')) v++;
  return v;
}

static int contains_token(const char *v, const char *end, const char *token) {
  size_t n = strlen(token);
  for (const char *p = v; p + n <= end; p++)
    if (strncasecmp(p, token, n) == 0) return 1;
  return 0;
}

// Reads status and framing from a complete head (ending in CRLF CRLF). 0 ok, -1 malformed.
static int parse_head(conn_t *c) {
  const char *p = c->head, *end = c->head + c->head_len;
  if (c->head_len < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ') return -1;
  int http10 = p[7] == '0';
  if (p[9] < '0' || p[9] > '9' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9') return -1;
  c->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
  int chunked = 0, has_length = 0, keep_alive = 0;
  uint64_t length = 0;
  const char *line = memchr(p, '\n', (size_t)(end - p));
  while (line && ++line < end) {
    const char *eol = memchr(line, '\n', (size_t)(end - line));
    if (!eol) break;
    const char *vend = eol > line && eol[-1] == '\r' ? eol - 1 : eol;
    const char *v;
    if ((v = header_value(line, vend, "content-length"))) {
      if (v == vend) return -1;
      length = 0;
      for (; v < vend && *v >= '0' && *v <= '9'; v++) length = length * 10 + (uint64_t)(*v - '0');
      has_length = 1;
    } else if ((v = header_value(line, vend, "transfer-encoding"))) {
      if (contains_token(v, vend, "chunked")) chunked = 1;
    } else if ((v = header_value(line, vend, "connection"))) {
      if (contains_token(v, vend, "close")) c->close_after = 1;
      if (contains_token(v, vend, "keep-alive")) keep_alive = 1;
    }
    line = eol;
  }
  if (http10 && !keep_alive) c->close_after = 1;
  if (c->status == 204 || c->status == 304 || (c->status >= 100 && c->status < 200)) {
    c->remaining = 0;
    c->ps = P_BODY_LENGTH;
  } else if (chunked) {
    c->ps = P_CHUNK_SIZE;
    c->chunk_digits = c->chunk_ext = 0;
    c->remaining = 0;
  } else if (has_length) {
    c->ps = P_BODY_LENGTH;
    c->remaining = length;
  } else {
    c->ps = P_BODY_EOF; // delimited by the server closing the connection
    c->close_after = 1;
  }
  return 0;
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// Feeds received bytes to the parser. Returns 1 when the response is complete (*used = bytes
// consumed), 0 when more is needed, -1 on a malformed response.
static int parse(conn_t *c, const char *buf, size_t len, size_t *used) {
  size_t i = 0;
  while (i < len) {
    switch (c->ps) {
    case P_HEAD: {
      size_t before = c->head_len, take = len - i;
      if (take > HEAD_MAX - before) take = HEAD_MAX - before;
      memcpy(c->head + before, buf + i, take);
      c->head_len += take;
      size_t from = before >= 3 ? before - 3 : 0;
      char *endp = memmem(c->head + from, c->head_len - from, "\r\n\r\n", 4);
      if (!endp) {
        if (c->head_len == HEAD_MAX) return -1;
        i += take;
        break;
      }
      size_t head_end = (size_t)(endp - c->head) + 4;
      i += head_end - before;
      c->head_len = head_end;
      if (parse_head(c) != 0) return -1;
      if (c->status >= 100 && c->status < 200) { parser_reset(c); break; } // interim response
      if (c->ps == P_BODY_LENGTH && c->remaining == 0) { *used = i; return 1; }
      break;
    }
    case P_BODY_LENGTH: {
      uint64_t take = len - i < c->remaining ? len - i : c->remaining;
      i += take;
      c->remaining -= take;
      if (c->remaining == 0) { *used = i; return 1; }
      break;
    }
    case P_CHUNK_SIZE: {
      char ch = buf[i++];
      if (ch == '\n') {
        if (!c->chunk_digits) return -1;
        if (c->remaining == 0) { c->ps = P_TRAILER; c->line_len = 0; }
        else c->ps = P_CHUNK_DATA;
      } else if (ch == ';') {
        c->chunk_ext = 1;
      } else if (!c->chunk_ext && ch != '\r' && ch != ' ' && ch != '\t') {
        int d = hexval(ch);
        if (d < 0 || c->chunk_digits >= 15) return -1;
        c->remaining = c->remaining * 16 + (uint64_t)d;
        c->chunk_digits++;
      }
      break;
    }
    case P_CHUNK_DATA: {
      uint64_t take = len - i < c->remaining ? len - i : c->remaining;
      i += take;
      c->remaining -= take;
      if (c->remaining == 0) { c->ps = P_CHUNK_CRLF; c->line_len = 0; }
      break;
    }
    case P_CHUNK_CRLF: {
      char ch = buf[i++];
      if (ch == '\n') { c->ps = P_CHUNK_SIZE; c->chunk_digits = c->chunk_ext = 0; c->remaining = 0; }
      else if (ch != '\r' || ++c->line_len > 1) return -1;
      break;
    }
    case P_TRAILER: { // trailer fields, then an empty line
      char ch = buf[i++];
      if (ch == '\n') {
        if (c->line_len == 0) { *used = i; return 1; }
        c->line_len = 0;
      } else if (ch != '\r') {
        c->line_len++;
      }
      break;
    }
    case P_BODY_EOF:
      i = len;
      break;
    }
  }
  *used = i;
  return 0;
}

static void complete(conn_t *c, uint64_t now) {
  if (c->counted) {
    hist_record(&g.latency, now - c->due);
    hist_record(&g.service, now - c->sent);
    if (c->status >= 200 && c->status < 300) g.ok++; else g.non2xx++;
    g.last_done = now;
  }
  if (c->close_after) {
    conn_close(c, now, 0);
  } else {
    g.busy_count--;
    idle_push(c);
  }
}

static char rbuf[READ_BUF];

static void on_readable(conn_t *c, uint64_t now) {
  ssize_t n = recv(c->fd, rbuf, sizeof rbuf, 0);
  if (n < 0 && errno == EAGAIN) return;
  if (n <= 0) {
    if (c->state == C_BUSY && c->ps == P_BODY_EOF) { complete(c, now); return; } // close_after is set: complete() closes
    if (c->state == C_BUSY && c->counted) g.err_read++; // an idle connection closed by the server is not an error
    conn_close(c, now, 0);
    return;
  }
  if (c->state != C_BUSY) { // bytes nobody asked for
    g.err_protocol++;
    conn_close(c, now, 0);
    return;
  }
  size_t used = 0;
  int r = parse(c, rbuf, (size_t)n, &used);
  if (r < 0 || (r == 1 && used != (size_t)n)) {
    if (c->counted) g.err_protocol++;
    conn_close(c, now, 0);
    return;
  }
  if (r == 1) complete(c, now);
}

static void on_connected(conn_t *c, uint64_t now) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    g.err_connect++;
    conn_close(c, now, 1);
    return;
  }
  epoll_set(c, EPOLL_CTL_MOD, EPOLLIN);
  c->want_write = 0;
  idle_push(c);
}

static void handle_event(conn_t *c, uint32_t events, uint64_t now) {
  if (c->state == C_CONNECTING) {
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected(c, now);
    return;
  }
  if (c->state == C_BUSY && (events & EPOLLOUT) && c->written < g.request_len) write_some(c, now);
  if (c->fd >= 0 && (events & (EPOLLIN | EPOLLERR | EPOLLHUP))) on_readable(c, now);
}

static void arm_timer(uint64_t at) {
  if (at == g.armed) return;
  struct itimerspec its = {0};
  its.it_value.tv_sec = (time_t)(at / NS_PER_S);
  its.it_value.tv_nsec = (long)(at % NS_PER_S);
  if (timerfd_settime(g.timerfd, TFD_TIMER_ABSTIME, &its, NULL) != 0) die("timerfd_settime failed");
  g.armed = at;
}

// Sleeps until an event or `wake`. epoll_pwait2 takes a nanosecond timeout (Linux 5.11+); older
// kernels get a timerfd armed at `wake` (two more syscalls per wake-up).
static int wait_events(struct epoll_event *events, int max, uint64_t wake, uint64_t now) {
#ifdef SYS_epoll_pwait2
  if (g.pwait2) {
    uint64_t d = wake > now ? wake - now : 0;
    struct timespec ts = {.tv_sec = (time_t)(d / NS_PER_S), .tv_nsec = (long)(d % NS_PER_S)};
    int n = (int)syscall(SYS_epoll_pwait2, g.epfd, events, max, &ts, NULL, 8);
    if (n >= 0 || errno != ENOSYS) return n;
    g.pwait2 = 0;
  }
#endif
  arm_timer(wake);
  return epoll_wait(g.epfd, events, max, -1);
}

static void usage(void) {
  fprintf(stderr, "usage: pace URL -r RATE -d SECONDS [-c CONNECTIONS] [-H 'Name: value']... [-w WARMUP_SECONDS] [-t TIMEOUT_MS]\n");
  exit(2);
}

// http://host[:port][/path]; host may be a bracketed IPv6 literal.
static void parse_url(const char *url, char **host, char **port, char **path, char **authority) {
  if (strncmp(url, "http://", 7) != 0) die("only http:// URLs are supported");
  const char *a = url + 7;
  const char *slash = strchr(a, '/');
  size_t alen = slash ? (size_t)(slash - a) : strlen(a);
  *authority = strndup(a, alen);
  *path = strdup(slash ? slash : "/");
  const char *colon;
  if (a[0] == '[') {
    const char *close = memchr(a, ']', alen);
    if (!close) die("bad IPv6 host");
    *host = strndup(a + 1, (size_t)(close - a - 1));
    colon = close + 1 < a + alen && close[1] == ':' ? close + 1 : NULL;
  } else {
    colon = memchr(a, ':', alen);
    *host = strndup(a, colon ? (size_t)(colon - a) : alen);
  }
  *port = colon ? strndup(colon + 1, (size_t)(a + alen - colon - 1)) : strdup("80");
}

int main(int argc, char **argv) {
  double rate = 0, seconds = 0, warmup = 0, timeout_ms = 2000;
  int connections = 16;
  size_t headers_len = 0;
  char *headers = calloc(1, 1);
  static const struct option longopts[] = {
      {"rate", required_argument, 0, 'r'}, {"duration", required_argument, 0, 'd'},
      {"connections", required_argument, 0, 'c'}, {"header", required_argument, 0, 'H'},
      {"warmup", required_argument, 0, 'w'}, {"timeout", required_argument, 0, 't'}, {0, 0, 0, 0}};
  int opt;
  while ((opt = getopt_long(argc, argv, "r:d:c:H:w:t:", longopts, NULL)) != -1) {
    switch (opt) {
    case 'r': rate = atof(optarg); break;
    case 'd': seconds = atof(optarg); break;
    case 'c': connections = atoi(optarg); break;
    case 'w': warmup = atof(optarg); break;
    case 't': timeout_ms = atof(optarg); break;
    case 'H': {
      size_t n = strlen(optarg);
      if (strpbrk(optarg, "\r\n") || !strchr(optarg, ':')) die("a header is 'Name: value' on one line");
      headers = realloc(headers, headers_len + n + 3);
      memcpy(headers + headers_len, optarg, n);
      memcpy(headers + headers_len + n, "\r\n", 3);
      headers_len += n + 2;
      break;
    }
    default: usage();
    }
  }
  if (optind != argc - 1 || rate <= 0 || seconds <= 0 || connections < 1 || warmup < 0 || timeout_ms <= 0) usage();

  char *host, *port, *path, *authority;
  parse_url(argv[optind], &host, &port, &path, &authority);
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  if (getaddrinfo(host, port, &hints, &g.addr) != 0) die("cannot resolve host");

  size_t cap = strlen(path) + strlen(authority) + headers_len + 64;
  g.request = malloc(cap);
  g.request_len = (size_t)snprintf(g.request, cap, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", path, authority, headers);

  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_TIMERSLACK, 1000UL); // wake within ~1 µs of a due time, not the default 50 µs
  g.epfd = epoll_create1(EPOLL_CLOEXEC);
  g.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (g.epfd < 0 || g.timerfd < 0) die("epoll/timerfd unavailable");
  struct epoll_event tev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(g.epfd, EPOLL_CTL_ADD, g.timerfd, &tev);
  g.timeout_ns = (uint64_t)(timeout_ms * NS_PER_MS);
  g.nconn = connections;
  g.pwait2 = getenv("PACE_TIMERFD") == NULL;
  g.conns = calloc((size_t)connections, sizeof(conn_t));
  struct epoll_event events[256];

  // Open every connection before the clock starts, so connection setup is not measured.
  uint64_t now = now_ns();
  for (int i = 0; i < connections; i++) { g.conns[i].id = i; g.conns[i].fd = -1; conn_open(&g.conns[i], now); }
  uint64_t connect_deadline = now + 3 * NS_PER_S;
  while (g.idle_count < connections && (now = now_ns()) < connect_deadline) {
    int pending = 0;
    for (int i = 0; i < connections; i++) pending += g.conns[i].state == C_CONNECTING;
    if (!pending) break;
    int n = epoll_wait(g.epfd, events, 256, 100);
    now = now_ns();
    for (int k = 0; k < n; k++) if (events[k].data.ptr) handle_event(events[k].data.ptr, events[k].events, now);
  }
  if (g.idle_count == 0) {
    fprintf(stderr, "pace: could not connect to %s\n", argv[optind]);
    return 1;
  }

  uint64_t total = (uint64_t)(rate * (warmup + seconds) + 0.5);
  uint64_t warm = (uint64_t)(rate * warmup + 0.5);
  double interval = (double)NS_PER_S / rate;
  uint64_t start = now_ns();
  g.first_measured_due = start + (uint64_t)((double)warm * interval);
  uint64_t last_due = start + (uint64_t)((double)(total ? total - 1 : 0) * interval);
  uint64_t finish_by = last_due + g.timeout_ns; // outstanding requests after this are timeouts
  uint64_t next_scan = start + TIMEOUT_SCAN_NS;
  uint64_t next = 0;

  for (;;) {
    now = now_ns();
    // Every request that is due goes out on an idle connection; the rest wait, their clock running.
    while (next < total && g.idle_count > 0) {
      uint64_t due = start + (uint64_t)((double)next * interval);
      if (due > now) break;
      send_request(g.idle_head, due, next >= warm, now);
      next++;
    }
    if (next == total && g.busy_count == 0) break;
    if (now >= finish_by) {
      for (int i = 0; i < connections; i++)
        if (g.conns[i].state == C_BUSY && g.conns[i].counted) g.err_timeout++;
      for (uint64_t k = next; k < total; k++) if (k >= warm) g.unsent++;
      break;
    }
    uint64_t wake = finish_by;
    if (now >= next_scan) { // per-request timeout, and reconnects of dropped connections
      for (int i = 0; i < connections; i++) {
        conn_t *c = &g.conns[i];
        if (c->state == C_BUSY && now - c->sent > g.timeout_ns) {
          if (c->counted) g.err_timeout++;
          conn_close(c, now, 0);
        }
      }
      next_scan = now + TIMEOUT_SCAN_NS;
    }
    for (int i = 0; i < connections; i++) {
      conn_t *c = &g.conns[i];
      if (c->state != C_DOWN) continue;
      if (c->retry_at <= now) conn_open(c, now);
      else if (c->retry_at < wake) wake = c->retry_at;
    }
    if (next_scan < wake) wake = next_scan;
    if (next < total && g.idle_count > 0) {
      uint64_t due = start + (uint64_t)((double)next * interval);
      if (due < wake) wake = due;
    }
    int n = wait_events(events, 256, wake, now);
    if (n < 0 && errno != EINTR) die("epoll_wait failed");
    now = now_ns();
    int timer_fired = n == 0;
    for (int k = 0; k < n; k++) {
      if (events[k].data.ptr == NULL) {
        uint64_t ticks;
        if (read(g.timerfd, &ticks, sizeof ticks) < 0) { /* already drained */ }
        g.armed = 0;
        timer_fired = 1;
      } else {
        handle_event(events[k].data.ptr, events[k].events, now);
      }
    }
    // How late the OS woke this client for its timer: its own share of every latency above.
    if (timer_fired && wake > g.first_measured_due && wake < finish_by) hist_record(&g.wake_lag, now > wake ? now - wake : 0);
  }

  uint64_t measured = total - warm;
  uint64_t responses = g.ok + g.non2xx;
  double elapsed = g.last_done > g.first_measured_due ? (double)(g.last_done - g.first_measured_due) / NS_PER_S : seconds;
  uint64_t socket_errors = g.err_connect + g.err_read + g.err_write + g.err_timeout + g.err_protocol;
  printf("{\n");
  printf("  \"url\": \"http://");
  for (const char *u = authority; *u; u++) printf(*u == '"' || *u == '\\' ? "\\%c" : "%c", *u);
  for (const char *u = path; *u; u++) printf(*u == '"' || *u == '\\' ? "\\%c" : "%c", *u);
  printf("\",\n");
  printf("  \"rate\": %.3f,\n  \"seconds\": %.3f,\n  \"connections\": %d,\n", rate, seconds, connections);
  printf("  \"scheduled\": %llu,\n  \"requests\": %llu,\n", (unsigned long long)measured, (unsigned long long)responses);
  printf("  \"rps\": %.3f,\n", responses / elapsed);
  printf("  \"status\": {\"2xx\": %llu, \"non2xx\": %llu},\n", (unsigned long long)g.ok, (unsigned long long)g.non2xx);
  printf("  \"errors\": {\"non2xx\": %llu, \"connect\": %llu, \"read\": %llu, \"write\": %llu, \"timeout\": %llu, \"protocol\": %llu, \"unsent\": %llu, \"total\": %llu},\n",
         (unsigned long long)g.non2xx, (unsigned long long)g.err_connect, (unsigned long long)g.err_read,
         (unsigned long long)g.err_write, (unsigned long long)g.err_timeout, (unsigned long long)g.err_protocol,
         (unsigned long long)g.unsent, (unsigned long long)(g.non2xx + socket_errors + g.unsent));
  printf("  \"reconnects\": %llu,\n", (unsigned long long)g.reconnects);
  print_hist("latencyMs", &g.latency, 0);
  print_hist("serviceMs", &g.service, 0);
  print_hist("sendLagMs", &g.lag, 0);
  print_hist("wakeLagMs", &g.wake_lag, 1);
  printf("}\n");
  return 0;
}
