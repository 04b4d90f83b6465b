#ifndef HPCLAB_CSOCKETS_H
#define HPCLAB_CSOCKETS_H
// Small wrappers for what Glibc's Swift overlay does not expose (accept4) or
// exposes awkwardly (variadic fcntl, socket option sizes).
#include <sys/types.h>
#include <sys/socket.h>

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC; returns the fd or -1 with errno set.
/// Writes the peer's numeric address (IPv4 or IPv6, without port) into `address`.
int cs_accept_nonblocking(int listen_fd, char *address, int address_size);
/// Makes fd non-blocking and close-on-exec; returns 0 or -1 with errno set.
int cs_set_nonblocking(int fd);
/// Sets an int-valued socket option; returns 0 or -1 with errno set.
int cs_set_int_option(int fd, int level, int option, int value);
/// TCP_NODELAY on.
int cs_set_nodelay(int fd);
/// Binds and listens on host:port (numeric IPv4 or IPv6 address), non-blocking,
/// SO_REUSEADDR; returns the fd or -1 with errno set. Writes the bound port.
int cs_listen(const char *host, int port, int backlog, int *bound_port);
/// Opens `path` relative to the directory `dirfd` for reading, never leaving that directory:
/// `openat2` with RESOLVE_BENEATH (no `..` above it, no absolute symlink, no symlink that points
/// out of it, checked by the kernel while it resolves, so no race between a check and the open).
/// Returns the fd, or -1 with errno set; errno ENOSYS when the kernel has no openat2 (< 5.6).
int cs_open_beneath(int dirfd, const char *path);
/// An epoll instance (close-on-exec); the fd or -1.
int cs_epoll_create(void);
/// Adds (op 1), modifies (op 2) or removes (op 3) `fd` with `events` (EPOLLIN 1, EPOLLOUT 4,
/// EPOLLRDHUP 0x2000); the fd itself is the event's data. 0 or -1 with errno set.
int cs_epoll_control(int epfd, int op, int fd, unsigned int events);
/// Waits up to `timeout_ms` (-1: forever); writes up to `max` ready fds and their event bits.
/// Returns how many, 0 on timeout, or -1 with errno set.
int cs_epoll_wait(int epfd, int *fds, unsigned int *events, int max, int timeout_ms);
/// A non-blocking, close-on-exec eventfd; the fd or -1.
int cs_eventfd(void);
/// Adds 1 to an eventfd (wakes its epoll waiter).
void cs_eventfd_signal(int fd);
/// Reads an eventfd back to 0.
void cs_eventfd_drain(int fd);
/// Returns the current errno (Swift reads it through this to avoid surprises).
int cs_errno(void);
#endif
