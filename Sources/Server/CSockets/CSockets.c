#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <stdint.h>
#include <linux/openat2.h>
#include <fcntl.h>
#include <unistd.h>
#include "CSockets.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>

int cs_accept_nonblocking(int listen_fd, char *address, int address_size) {
  struct sockaddr_storage peer;
  socklen_t length = sizeof(peer);
  int fd = accept4(listen_fd, (struct sockaddr *)&peer, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0 && address && address_size > 0) {
    address[0] = 0;
    if (peer.ss_family == AF_INET) {
      inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, address, address_size);
    } else if (peer.ss_family == AF_INET6) {
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, address, address_size);
    }
  }
  return fd;
}

int cs_set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0) return -1;
  if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return -1;
  return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int cs_set_int_option(int fd, int level, int option, int value) {
  return setsockopt(fd, level, option, &value, sizeof(value));
}

int cs_set_nodelay(int fd) { return cs_set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, 1); }

int cs_listen(const char *host, int port, int backlog, int *bound_port) {
  struct sockaddr_storage storage;
  socklen_t length;
  int family;
  memset(&storage, 0, sizeof(storage));
  struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    family = AF_INET; v4->sin_family = AF_INET; v4->sin_port = htons((unsigned short)port);
    length = sizeof(*v4);
  } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    family = AF_INET6; v6->sin6_family = AF_INET6; v6->sin6_port = htons((unsigned short)port);
    length = sizeof(*v6);
  } else {
    errno = EINVAL;
    return -1;
  }
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (cs_set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0 ||
      bind(fd, (struct sockaddr *)&storage, length) < 0 || listen(fd, backlog) < 0) {
    int saved = errno; close(fd); errno = saved;
    return -1;
  }
  if (bound_port) {
    struct sockaddr_storage bound;
    socklen_t bound_length = sizeof(bound);
    if (getsockname(fd, (struct sockaddr *)&bound, &bound_length) == 0) {
      *bound_port = bound.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&bound)->sin_port)
                                               : ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
    }
  }
  return fd;
}

int cs_errno(void) { return errno; }

int cs_open_beneath(int dirfd, const char *path) {
#ifdef SYS_openat2
  struct open_how how = {0};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
#else
  errno = ENOSYS;
  return -1;
#endif
}

int cs_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int cs_epoll_control(int epfd, int op, int fd, unsigned int events) {
  struct epoll_event event;
  memset(&event, 0, sizeof(event));
  event.events = events;
  event.data.fd = fd;
  int code = op == 1 ? EPOLL_CTL_ADD : op == 2 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
  return epoll_ctl(epfd, code, fd, &event);
}

int cs_epoll_wait(int epfd, int *fds, unsigned int *events, int max, int timeout_ms) {
  struct epoll_event ready[256];
  if (max > 256) max = 256;
  int n = epoll_wait(epfd, ready, max, timeout_ms);
  for (int i = 0; i < n; i++) {
    fds[i] = ready[i].data.fd;
    events[i] = ready[i].events;
  }
  return n;
}

int cs_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void cs_eventfd_signal(int fd) {
  uint64_t one = 1;
  ssize_t ignored = write(fd, &one, sizeof(one));
  (void)ignored;
}

void cs_eventfd_drain(int fd) {
  uint64_t value;
  while (read(fd, &value, sizeof(value)) > 0) {}
}
