// sbload: a small HTTP/1.1 load generator for the Switchboard benchmarks (bench/run.mjs).
//
// One thread, epoll, keep-alive connections, one request in flight per connection.
//   closed loop (default)   every connection sends its next request as soon as the last ended
//   --rate R                open loop: request i is due at start + i/R; it goes out on any idle
//                           connection, or waits for one; latency counts from the due time, so a
//                           slow server cannot hide its queueing (no coordinated omission)
//   --stream                responses are SSE: counts `data:` frames and the time to the first
//                           frame with non-empty "content"
//   --hold                  one streaming request per connection, held open; with --rss-pid the
//                           target's VmRSS is read once every stream has produced content
//   --port A,B,...          (with --rate) interleaved targets: each gets its own -c connections,
//                           and the due requests go to one target at a time, taking turns every
//                           --slice-ms (200); percentiles are reported per target, over the whole
//                           window and over --blocks equal parts of it. Noise that lasts longer than
//                           a slice reaches every target alike, which separate runs cannot promise.
// Prints one JSON object on stdout. Bounded: it stops after --warmup + --duration seconds, or
// --hold-seconds after every stream produced content (at most --hold-seconds + 60 s).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  uint64_t *v;
  size_t n, cap;
} Samples;

static void push(Samples *s, uint64_t x) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 4096;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    if (!s->v) abort();
  }
  s->v[s->n++] = x;
}

enum Phase { kIdle, kConnecting, kWriting, kHead, kBodyLength, kChunkSize, kChunkData, kChunkCrlf, kTrailer, kBodyEof };

struct Target;

typedef struct {
  struct Target *target;
  int fd;
  enum Phase phase;
  size_t written;
  uint64_t start_ns, due_ns;  // send time, and due time (open loop; = start otherwise)
  char head[8192];
  size_t head_len;
  int status;
  int64_t remaining;  // body bytes (content-length) or bytes left in the current chunk
  int chunked, close_after;
  char line[64];
  size_t line_len;
  int got_first;  // first content frame seen
  uint32_t events;  // what epoll watches now
  int bol, data_match, content_match;
} Conn;

enum { kMaxTargets = 8, kMaxBlocks = 60 };

// One server under test: its connections, the requests waiting for one of them, its figures.
typedef struct Target {
  int port;
  struct sockaddr_in addr;
  char *request;
  size_t request_len;
  Conn *conns;
  int opened;
  uint64_t *queue;  // due times of requests waiting for a free connection (open loop)
  size_t queue_head, queue_len, queue_cap;
  uint64_t completed, errors, non2xx, backlog_max;
  Samples latency;
  Samples blocks[kMaxBlocks];
} Target;

static struct {
  const char *host, *path, *body_file, *out;
  int connections, stream, hold, blocks;
  double slice_ms;
  double duration, rate, hold_seconds, warmup;
  char headers[4096];
  int rss_pid;
} opt = {.host = "127.0.0.1",
       .path = "/v1/chat/completions",
       .connections = 16,
       .duration = 5,
       .hold_seconds = 3,
       .blocks = 1,
       .slice_ms = 200};

static Target targets[kMaxTargets];
static int ntargets;
static int ep;

static Samples ttft;
static uint64_t frames, connects;
static uint64_t measure_from_ns, t_end_ns, block_ns;
static uint64_t next_due_ns, issued, rate_interval_ns;
static uint64_t streams_with_content;
static int connecting_now;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static long rss_kb(int pid) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  long kb = -1;
  while (fgets(buf, sizeof buf, f)) {
    if (strncmp(buf, "VmRSS:", 6) == 0) kb = strtol(buf + 6, NULL, 10);
  }
  fclose(f);
  return kb;
}

static void die(const char *what) {
  perror(what);
  exit(2);
}

// Changes what epoll watches, skipping the system call when nothing changes.
static void watch(Conn *c, uint32_t events, int op) {
  if (op == EPOLL_CTL_MOD && c->events == events) return;
  struct epoll_event ev = {.events = events, .data.ptr = c};
  if (epoll_ctl(ep, op, c->fd, &ev) < 0) die("epoll_ctl");
  c->events = events;
}

static void open_conn(Conn *c) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) die("socket");
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->phase = kConnecting;
  ++connects;
  ++connecting_now;
  if (connect(c->fd, (struct sockaddr *)&c->target->addr, sizeof c->target->addr) < 0 && errno != EINPROGRESS) die("connect");
  watch(c, EPOLLOUT, EPOLL_CTL_ADD);
}

static void close_conn(Conn *c) {
  if (c->phase == kConnecting) --connecting_now;
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->phase = kIdle;
}

static void on_error(Conn *c);

// Writes what the socket takes; waits for EPOLLOUT when it is full.
static void do_write(Conn *c) {
  const Target *t = c->target;
  while (c->written < t->request_len) {
    ssize_t w = send(c->fd, t->request + c->written, t->request_len - c->written, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN) {
        watch(c, EPOLLOUT, EPOLL_CTL_MOD);
        return;
      }
      on_error(c);
      return;
    }
    c->written += (size_t)w;
  }
  c->phase = kHead;
  watch(c, EPOLLIN, EPOLL_CTL_MOD);
}

static void start_request(Conn *c, uint64_t due) {
  c->start_ns = now_ns();
  c->due_ns = due ? due : c->start_ns;
  c->written = 0;
  c->head_len = 0;
  c->status = 0;
  c->got_first = 0;
  c->bol = 1;
  c->data_match = c->content_match = 0;
  c->phase = kWriting;
  do_write(c);
}

static int in_window(uint64_t t) { return t >= measure_from_ns && t <= t_end_ns; }

// SSE scan of decoded body bytes: counts lines starting "data:", spots the first non-empty content.
static void scan_sse(Conn *c, const char *p, size_t n) {
  static const char data[] = "data:";
  static const char content[] = "\"content\":\"";
  for (size_t i = 0; i < n; ++i) {
    char ch = p[i];
    if (c->data_match >= 0) {
      if (ch == data[c->data_match]) {
        if (++c->data_match == 5) {
          if (in_window(now_ns())) ++frames;
          c->data_match = -1;
        }
      } else {
        c->data_match = -1;
      }
    }
    if (ch == '\n') c->data_match = 0;
    if (!c->got_first) {
      if (c->content_match == 11) {
        if (ch != '"') {
          c->got_first = 1;
          uint64_t t = now_ns();
          if (opt.hold) ++streams_with_content;
          if (in_window(t)) push(&ttft, (t - c->due_ns) / 1000);
        }
        c->content_match = 0;
      } else if (ch == content[c->content_match]) {
        ++c->content_match;
      } else {
        c->content_match = ch == '"';
      }
    }
  }
}

static void body_bytes(Conn *c, const char *p, size_t n) {
  if (opt.stream) scan_sse(c, p, n);
}

static void finish_response(Conn *c);

// Parses the response head; returns the number of bytes of `p` consumed, or -1 on error.
static ssize_t parse_head(Conn *c, const char *p, size_t n) {
  size_t take = n;
  if (take > sizeof c->head - 1 - c->head_len) take = sizeof c->head - 1 - c->head_len;
  memcpy(c->head + c->head_len, p, take);
  size_t old = c->head_len;
  c->head_len += take;
  c->head[c->head_len] = 0;
  char *end = strstr(c->head, "\r\n\r\n");
  if (!end) return c->head_len == sizeof c->head - 1 ? -1 : (ssize_t)take;
  size_t head_size = (size_t)(end - c->head) + 4;
  c->status = atoi(c->head + 9);
  c->chunked = 0;
  c->close_after = 0;
  c->remaining = -1;
  *end = 0;  // the head is parsed line by line up to here
  for (char *line = strstr(c->head, "\r\n"); line; line = strstr(line, "\r\n")) {
    line += 2;
    char *eol = strstr(line, "\r\n");
    if (eol) *eol = 0;
    if (strncasecmp(line, "content-length:", 15) == 0) c->remaining = strtoll(line + 15, NULL, 10);
    if (strncasecmp(line, "transfer-encoding:", 18) == 0) c->chunked = strcasestr(line, "chunked") != NULL;
    if (strncasecmp(line, "connection:", 11) == 0) c->close_after = strcasestr(line, "close") != NULL;
    if (!eol) break;
    *eol = '\r';
    line = eol;
  }
  if (c->chunked) {
    c->phase = kChunkSize;
    c->line_len = 0;
  } else if (c->remaining >= 0) {
    c->phase = kBodyLength;
  } else {
    c->phase = kBodyEof;
  }
  return (ssize_t)(head_size - old);
}

// Feeds received bytes through the response state machine.
static int feed(Conn *c, const char *p, size_t n) {
  while (n > 0 || c->phase == kBodyLength) {
    if (c->phase == kHead) {
      ssize_t used = parse_head(c, p, n);
      if (used < 0) return -1;
      p += used;
      n -= used;
    } else if (c->phase == kBodyLength) {
      size_t take = (int64_t)n < c->remaining ? n : (size_t)c->remaining;
      body_bytes(c, p, take);
      p += take;
      n -= take;
      c->remaining -= take;
      if (c->remaining == 0) {
        finish_response(c);
        if (n) return -1;  // bytes after a response we did not ask for
        return 0;
      }
      if (n == 0) return 0;
    } else if (c->phase == kChunkSize || c->phase == kTrailer) {
      char ch = *p++;
      --n;
      if (ch != '\n') {
        if (c->line_len < sizeof c->line - 1) c->line[c->line_len++] = ch;
        continue;
      }
      c->line[c->line_len] = 0;
      int empty = c->line_len == 0 || (c->line_len == 1 && c->line[0] == '\r');
      c->line_len = 0;
      if (c->phase == kTrailer) {
        if (empty) {
          finish_response(c);
          return n ? -1 : 0;
        }
        continue;
      }
      c->remaining = strtoll(c->line, NULL, 16);
      c->phase = c->remaining == 0 ? kTrailer : kChunkData;
    } else if (c->phase == kChunkData) {
      size_t take = (int64_t)n < c->remaining ? n : (size_t)c->remaining;
      body_bytes(c, p, take);
      p += take;
      n -= take;
      c->remaining -= take;
      if (c->remaining == 0) {
        c->phase = kChunkCrlf;
        c->line_len = 0;
      }
    } else if (c->phase == kChunkCrlf) {
      if (*p++ == '\n') c->phase = kChunkSize;
      --n;
    } else if (c->phase == kBodyEof) {
      body_bytes(c, p, n);
      return 0;
    } else {
      return -1;  // data while writing or idle
    }
  }
  return 0;
}

static void next_request(Conn *c);

static void finish_response(Conn *c) {
  uint64_t t = now_ns();
  Target *target = c->target;
  if (in_window(t)) {
    ++target->completed;
    uint64_t us = (t - c->due_ns) / 1000;
    push(&target->latency, us);
    if (opt.blocks > 1) {
      size_t block = (size_t)((t - measure_from_ns) / block_ns);
      push(&target->blocks[block < (size_t)opt.blocks ? block : (size_t)opt.blocks - 1], us);
    }
    if (c->status < 200 || c->status > 299) ++target->non2xx;
  }
  c->phase = kIdle;
  if (c->close_after) {
    close_conn(c);
    open_conn(c);
    return;
  }
  watch(c, EPOLLIN, EPOLL_CTL_MOD);
  next_request(c);
}

// Open loop: requests that are due wait in their target's queue until a connection is free.
static void enqueue(Target *t, uint64_t due) {
  if (t->queue_head + t->queue_len == t->queue_cap) {
    if (t->queue_head > 0) {
      memmove(t->queue, t->queue + t->queue_head, t->queue_len * sizeof *t->queue);
      t->queue_head = 0;
    } else {
      t->queue_cap = t->queue_cap ? t->queue_cap * 2 : 1024;
      t->queue = realloc(t->queue, t->queue_cap * sizeof *t->queue);
      if (!t->queue) abort();
    }
  }
  t->queue[t->queue_head + t->queue_len++] = due;
  if (t->queue_len > t->backlog_max) t->backlog_max = t->queue_len;
}

static void next_request(Conn *c) {
  if (opt.hold) return;  // one request per connection
  if (now_ns() >= t_end_ns) return;
  Target *t = c->target;
  if (opt.rate <= 0) {
    start_request(c, 0);
  } else if (t->queue_len > 0) {
    --t->queue_len;
    start_request(c, t->queue[t->queue_head++]);
    if (t->queue_len == 0) t->queue_head = 0;
  }
}

static void on_error(Conn *c) {
  if (in_window(now_ns())) ++c->target->errors;
  close_conn(c);
  if (now_ns() < t_end_ns && !opt.hold) open_conn(c);
}

static void on_event(Conn *c, uint32_t events) {
  if (c->phase == kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err || (events & (EPOLLERR | EPOLLHUP))) {
      on_error(c);
      return;
    }
    --connecting_now;
    c->phase = kIdle;
    watch(c, EPOLLIN, EPOLL_CTL_MOD);
    if (opt.hold) {
      start_request(c, 0);
    } else {
      next_request(c);
    }
    return;
  }
  if (c->phase == kWriting) {
    if (events & (EPOLLERR | EPOLLHUP)) {
      on_error(c);
    } else if (events & EPOLLOUT) {
      do_write(c);
    }
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
    char buf[65536];
    for (;;) {
      ssize_t r = recv(c->fd, buf, sizeof buf, 0);
      if (r > 0) {
        if (feed(c, buf, (size_t)r) < 0) {
          on_error(c);
          return;
        }
        // A response ended: the connection is writing its next request, or reconnecting.
        if (c->fd < 0 || c->phase == kWriting || c->phase == kConnecting || c->phase == kIdle) return;
        if ((size_t)r < sizeof buf) return;
        continue;
      }
      if (r < 0 && errno == EAGAIN) return;
      if (r == 0 && c->phase == kBodyEof) {
        finish_response(c);
        return;
      }
      if (r == 0 && c->phase == kIdle) {  // server closed an idle keep-alive connection
        close_conn(c);
        if (now_ns() < t_end_ns && !opt.hold) open_conn(c);
        return;
      }
      on_error(c);
      return;
    }
  }
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void print_dist(FILE *f, const char *name, Samples *s) {
  if (s->n == 0) {
    fprintf(f, "\"%s\":null", name);
    return;
  }
  qsort(s->v, s->n, sizeof *s->v, cmp_u64);
  double sum = 0;
  for (size_t i = 0; i < s->n; ++i) sum += (double)s->v[i];
#define PCT(p) s->v[(size_t)((double)(s->n - 1) * (p))]
  fprintf(f,
          "\"%s\":{\"count\":%zu,\"mean\":%.1f,\"p50\":%lu,\"p90\":%lu,\"p99\":%lu,\"p999\":%lu,\"max\":%lu}",
          name, s->n, sum / (double)s->n, (unsigned long)PCT(0.5), (unsigned long)PCT(0.9),
          (unsigned long)PCT(0.99), (unsigned long)PCT(0.999), (unsigned long)s->v[s->n - 1]);
#undef PCT
}

static void usage(void) {
  fprintf(stderr,
          "usage: sbload --port N[,N...] [--host IP] [--path P] --body FILE [-H 'K: V']... [-c CONNS]\n"
          "              [-d SECONDS] [--warmup SECONDS] [--rate RPS [--slice-ms MS] [--blocks K]]\n"
          "              [--stream]\n"
          "              [--hold [--hold-seconds S] [--rss-pid PID]]\n");
  exit(2);
}

static void parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define ARG(name) (strcmp(a, name) == 0 && v && ++i)
    if (ARG("--host")) opt.host = v;
    else if (ARG("--port")) {
      for (const char *p = v; *p && ntargets < kMaxTargets; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
        targets[ntargets++].port = atoi(p);
    } else if (ARG("--slice-ms")) opt.slice_ms = atof(v);
    else if (ARG("--blocks")) opt.blocks = atoi(v);
    else if (ARG("--path")) opt.path = v;
    else if (ARG("--body")) opt.body_file = v;
    else if (ARG("-H")) {
      strncat(opt.headers, v, sizeof opt.headers - strlen(opt.headers) - 3);
      strcat(opt.headers, "\r\n");
    } else if (ARG("-c")) opt.connections = atoi(v);
    else if (ARG("-d")) opt.duration = atof(v);
    else if (ARG("--warmup")) opt.warmup = atof(v);
    else if (ARG("--rate")) opt.rate = atof(v);
    else if (ARG("--hold-seconds")) opt.hold_seconds = atof(v);
    else if (ARG("--rss-pid")) opt.rss_pid = atoi(v);
    else if (strcmp(a, "--stream") == 0) opt.stream = 1;
    else if (strcmp(a, "--hold") == 0) opt.hold = opt.stream = 1;
    else usage();
#undef ARG
  }
  if (ntargets < 1 || !opt.body_file || opt.connections < 1) usage();
  for (int i = 0; i < ntargets; ++i)
    if (targets[i].port <= 0 || targets[i].port > 65535) usage();
  if (ntargets > 1 && (opt.rate <= 0 || opt.stream || opt.slice_ms <= 0)) usage();  // interleaving is open loop
  if (opt.blocks < 1 || opt.blocks > kMaxBlocks) usage();
}

static void build_request(Target *t) {
  FILE *f = fopen(opt.body_file, "rb");
  if (!f) die(opt.body_file);
  fseek(f, 0, SEEK_END);
  long body_len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char head[8192];
  int head_len = snprintf(head, sizeof head,
                          "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                          "Content-Length: %ld\r\n%s\r\n",
                          opt.path, opt.host, t->port, body_len, opt.headers);
  t->request_len = (size_t)head_len + (size_t)body_len;
  t->request = malloc(t->request_len);
  memcpy(t->request, head, (size_t)head_len);
  if (fread(t->request + head_len, 1, (size_t)body_len, f) != (size_t)body_len) die("read body");
  fclose(f);
}

// The figures of one target, as JSON members (no braces).
static void print_target(FILE *o, Target *t, double window) {
  fprintf(o, "\"port\":%d,\"completed\":%lu,\"errors\":%lu,\"non2xx\":%lu,\"rps\":%.1f,", t->port,
          (unsigned long)t->completed, (unsigned long)t->errors, (unsigned long)t->non2xx,
          window > 0 ? (double)t->completed / window : 0);
  if (opt.rate > 0) {
    fprintf(o, "\"backlog_max\":%lu,\"unsent_at_end\":%lu,", (unsigned long)t->backlog_max,
            (unsigned long)t->queue_len);
  }
  if (opt.blocks > 1) {
    fputs("\"blocks\":[", o);
    for (int b = 0; b < opt.blocks; ++b) {
      fputc('{', o);
      print_dist(o, "latency_us", &t->blocks[b]);
      fputs(b + 1 < opt.blocks ? "}," : "}", o);
    }
    fputs("],", o);
  }
  print_dist(o, "latency_us", &t->latency);
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  prctl(PR_SET_TIMERSLACK, 1UL);
  for (int i = 0; i < ntargets; ++i) {
    Target *t = &targets[i];
    build_request(t);
    t->addr.sin_family = AF_INET;
    t->addr.sin_port = htons((uint16_t)t->port);
    if (inet_pton(AF_INET, opt.host, &t->addr.sin_addr) != 1) usage();
    t->conns = calloc((size_t)opt.connections, sizeof *t->conns);
    for (int k = 0; k < opt.connections; ++k) t->conns[k].target = t;
  }

  ep = epoll_create1(EPOLL_CLOEXEC);
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  struct epoll_event tev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev);

  uint64_t t0 = now_ns();
  double run = opt.hold ? opt.hold_seconds + 60 : opt.warmup + opt.duration;
  measure_from_ns = t0 + (uint64_t)(opt.warmup * 1e9);
  t_end_ns = t0 + (uint64_t)(run * 1e9);
  block_ns = (t_end_ns - measure_from_ns) / (uint64_t)opt.blocks + 1;
  uint64_t slice_ns = (uint64_t)(opt.slice_ms * 1e6);
  if (opt.rate > 0) {
    rate_interval_ns = (uint64_t)(1e9 / opt.rate);
    next_due_ns = t0;
  }

  Target *const single = &targets[0];  // the one target of the closed-loop, stream and hold modes
  uint64_t all_open_ns = 0, hold_until = 0, next_rss_ns = 0;
  int timer_armed = 0;
  long rss_all_open = -1, rss_max = -1;
  struct epoll_event events[512];
  for (;;) {
    uint64_t now = now_ns();
    // Bounded ramp: at most 256 connects in flight, so the listen backlog is never flooded.
    for (int i = 0; i < ntargets; ++i) {
      Target *t = &targets[i];
      while (t->opened < opt.connections && connecting_now < 256) open_conn(&t->conns[t->opened++]);
    }
    if (opt.hold) {
      if (!all_open_ns && streams_with_content == (uint64_t)opt.connections) {
        all_open_ns = now;
        hold_until = now + (uint64_t)(opt.hold_seconds * 1e9);
        if (opt.rss_pid) rss_all_open = rss_kb(opt.rss_pid);
      }
      if (opt.rss_pid && now >= next_rss_ns) {
        long r = rss_kb(opt.rss_pid);
        if (r > rss_max) rss_max = r;
        next_rss_ns = now + 50000000ull;
      }
      if ((all_open_ns && now >= hold_until) || now >= t_end_ns) break;
    } else if (now >= t_end_ns) {
      break;
    }
    if (opt.rate > 0) {
      uint64_t due_before = next_due_ns;
      while (next_due_ns <= now && next_due_ns < t_end_ns) {
        // The target whose turn it is; give the due request to an idle connection, else queue it.
        Target *t = &targets[((next_due_ns - t0) / slice_ns) % (uint64_t)ntargets];
        Conn *idle = NULL;
        for (int i = 0; i < t->opened && !idle; ++i) {
          int k = (int)((issued + (uint64_t)i) % (uint64_t)t->opened);
          if (t->conns[k].phase == kIdle && t->conns[k].fd >= 0) idle = &t->conns[k];
        }
        if (idle && t->queue_len == 0) {
          start_request(idle, next_due_ns);
        } else {
          enqueue(t, next_due_ns);
        }
        ++issued;
        next_due_ns += rate_interval_ns;
      }
      if (next_due_ns != due_before || !timer_armed) {
        struct itimerspec its = {0};
        its.it_value.tv_sec = (time_t)(next_due_ns / 1000000000ull);
        its.it_value.tv_nsec = (long)(next_due_ns % 1000000000ull);
        timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
        timer_armed = 1;
      }
    }
    int n = epoll_wait(ep, events, 512, opt.hold ? 50 : 100);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; ++i) {
      if (events[i].data.ptr == NULL) {
        uint64_t expirations;
        ssize_t r = read(tfd, &expirations, sizeof expirations);
        (void)r;
        continue;
      }
      on_event(events[i].data.ptr, events[i].events);
    }
  }
  double window = (double)(t_end_ns - measure_from_ns) / 1e9;
  if (opt.hold) window = all_open_ns ? (double)(now_ns() - t0) / 1e9 : 0;
  FILE *o = stdout;
  fprintf(o, "{\"connections\":%d,\"seconds\":%.3f,\"connects\":%lu,", opt.connections, window,
          (unsigned long)connects);
  if (opt.rate > 0) fprintf(o, "\"rate_target\":%.1f,", opt.rate);
  if (ntargets > 1) fprintf(o, "\"slice_ms\":%.1f,", opt.slice_ms);
  if (opt.stream) {
    fprintf(o, "\"frames\":%lu,\"frames_per_s\":%.1f,", (unsigned long)frames, window > 0 ? (double)frames / window : 0);
    print_dist(o, "ttft_us", &ttft);
    fputc(',', o);
  }
  if (opt.hold) {
    fprintf(o, "\"streams_with_content\":%lu,\"all_open_after_s\":%.3f,\"rss_kb_all_open\":%ld,\"rss_kb_max\":%ld,",
            (unsigned long)streams_with_content, all_open_ns ? (double)(all_open_ns - t0) / 1e9 : -1.0, rss_all_open,
            rss_max);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double self_us = (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec * 1e6 +
                   (double)ru.ru_stime.tv_usec;
  fprintf(o, "\"loadgen_cpu_s\":%.3f,", self_us / 1e6);
  if (ntargets == 1) {
    print_target(o, single, window);
  } else {
    fputs("\"targets\":[", o);
    for (int i = 0; i < ntargets; ++i) {
      fputc('{', o);
      print_target(o, &targets[i], window);
      fputs(i + 1 < ntargets ? "}," : "}", o);
    }
    fputc(']', o);
  }
  fprintf(o, "}\n");
  return 0;
}
