/*
 * attack-probe: the hostile side of the adversarial suite (test/security/). One static
 * binary, one subcommand per attack. Every probe prints machine-readable lines
 *   PROBE <name> ok            the operation succeeded (usually a sandbox failure)
 *   PROBE <name> errno=<NAME>  it failed, with the errno the kernel (or gVisor) gave
 *   PROBE <name> <value>       a measured value
 * so the tests assert on exact outcomes instead of guessing from exit codes.
 *
 * Safety: the probes only ever OPEN host-control files (sysrq-trigger, /sys) and never
 * write to them, and every bomb has a hard cap, so a broken sandbox makes the test fail
 * instead of taking the CI host down.
 *
 * Built with `gcc -static` by test/helpers/attack-images.ts. When run under the name
 * `suid-probe` (a setuid-root copy in the image) it tries to escalate.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1024L * 1024L)

static void report(const char *name, int rc) {
  if (rc >= 0) printf("PROBE %s ok\n", name);
  else printf("PROBE %s errno=%s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
  fflush(stdout);
}

static void report_open(const char *name, const char *path, int flags) {
  int fd = open(path, flags, 0644);
  report(name, fd);
  if (fd >= 0) close(fd);
}

static int caps(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  if (!f) return report("status", -1), 1;
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "CapPrm:", 7) || !strncmp(line, "CapBnd:", 7) ||
        !strncmp(line, "CapAmb:", 7) || !strncmp(line, "NoNewPrivs:", 11) || !strncmp(line, "Seccomp:", 8)) {
      char key[32], value[64];
      if (sscanf(line, "%31[^:]:%63s", key, value) == 2) printf("PROBE %s %s\n", key, value);
    }
  }
  fclose(f);
  printf("PROBE uid %d\nPROBE euid %d\nPROBE gid %d\n", getuid(), geteuid(), getgid());
  fflush(stdout);
  return 0;
}

/* Runs one probe in a child of its own, so a probe that succeeds (an unshare under gVisor,
 * say) cannot change the credentials or namespaces the next probe starts from. */
static void isolated(const char *name, int (*probe)(void)) {
  pid_t pid = fork();
  if (pid == 0) {
    report(name, probe());
    _exit(0);
  }
  if (pid < 0) return report(name, -1);
  waitpid(pid, NULL, 0);
}

static int do_mount(void) {
  mkdir("/tmp/mnt", 0755);
  return mount("none", "/tmp/mnt", "tmpfs", 0, "size=1m");
}
static int do_unshare_user(void) { return unshare(CLONE_NEWUSER); }
static int do_unshare_mount(void) { return unshare(CLONE_NEWNS); }
static int do_unshare_net(void) { return unshare(CLONE_NEWNET); }
static int do_keyctl(void) { return (int)syscall(SYS_add_key, "user", "rigshift-probe", "x", 1, -2 /* session */); }
static int do_bpf(void) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = 4;
  attr.value_size = 4;
  attr.max_entries = 1;
  return (int)syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
}
static int do_perf(void) {
  struct perf_event_attr pe;
  memset(&pe, 0, sizeof pe);
  pe.type = PERF_TYPE_SOFTWARE;
  pe.size = sizeof pe;
  pe.config = PERF_COUNT_SW_CPU_CLOCK;
  pe.disabled = 1;
  return (int)syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0);
}
/* /dev/mem (char 1:1): if a node can be made at all, it must not open onto host memory. */
static int do_mknod(void) {
  int rc = mknod("/tmp/mem", S_IFCHR | 0600, makedev(1, 1));
  if (rc == 0) report_open("mknod-open", "/tmp/mem", O_RDONLY);
  return rc;
}
static int do_init_module(void) { return (int)syscall(SYS_init_module, NULL, 0, ""); }
static int do_chroot(void) { return chroot("/tmp"); }
static int do_setuid0(void) { return setuid(0); }

/* Privileged syscalls a container must not have; each prints its errno. */
static int syscalls(void) {
  isolated("mount", do_mount);
  isolated("unshare-user", do_unshare_user);
  isolated("unshare-mount", do_unshare_mount);
  isolated("unshare-net", do_unshare_net);
  isolated("keyctl", do_keyctl);
  isolated("bpf", do_bpf);
  isolated("perf_event_open", do_perf);
  isolated("mknod", do_mknod);
  isolated("init_module", do_init_module);
  isolated("chroot", do_chroot);
  isolated("setuid0", do_setuid0);
  return 0;
}

static int rawsock(void) {
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  report("raw-icmp", fd);
  if (fd >= 0) close(fd);
  fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
  report("af-packet", fd);
  if (fd >= 0) close(fd);
  fd = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
  report("raw-tcp", fd);
  if (fd >= 0) close(fd);
  return 0;
}

/* TCP connect with a timeout; prints ok, or the errno (ETIMEDOUT when nothing answers). */
static int tcp_connect(const char *label, const char *ip, int port) {
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  char name[128];
  snprintf(name, sizeof name, "connect-%s", label);
  if (inet_pton(AF_INET, ip, &addr.sin_addr) != 1) return report(name, -1), 1;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return report(name, -1), 0;
  int rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
  if (rc < 0 && errno == EINPROGRESS) {
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int ready = poll(&p, 1, 2000);
    if (ready == 0) {
      errno = ETIMEDOUT;
      rc = -1;
    } else {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      errno = err;
      rc = err ? -1 : 0;
    }
  }
  report(name, rc);
  close(fd);
  return 0;
}

/* Forks until the kernel says no; children wait to be killed with the container, which
 * is held `hold` seconds after the first refusal so the host side can count them. */
static int forkbomb(long cap, int hold) {
  long count = 0;
  for (; count < cap; count++) {
    pid_t pid = fork();
    if (pid == 0) {
      pause();
      _exit(0);
    }
    if (pid < 0) {
      printf("PROBE fork errno=%s count=%ld\n", strerrorname_np(errno), count);
      fflush(stdout);
      sleep((unsigned)hold);
      return 0;
    }
  }
  printf("PROBE fork capped count=%ld\n", count);
  fflush(stdout);
  return 0;
}

/* Allocates and touches 16 MiB at a time until the memory limit kills it. */
static int memhog(long capMiB) {
  long total = 0;
  while (total < capMiB) {
    char *p = malloc(16 * MiB);
    if (!p) {
      printf("PROBE memhog malloc-failed MiB=%ld\n", total);
      return 0;
    }
    memset(p, 0xa5, 16 * MiB);
    total += 16;
    if (total % 64 == 0) fprintf(stderr, "memhog %ld MiB\n", total), fflush(stderr);
  }
  printf("PROBE memhog capped MiB=%ld\n", total);
  fflush(stdout);
  return 0;
}

/* Writes 1 MiB blocks to `path` until a write fails; prints the errno and the bytes. */
static int fill(const char *name, const char *path, long capMiB) {
  static char block[MiB];
  /* The fsize ulimit may equal the tmpfs size: get EFBIG from write() instead of dying. */
  signal(SIGXFSZ, SIG_IGN);
  memset(block, 0x5a, sizeof block);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return report(name, -1), 0;
  long written = 0;
  while (written < capMiB * MiB) {
    ssize_t n = write(fd, block, sizeof block);
    if (n < 0) {
      printf("PROBE %s errno=%s bytes=%ld\n", name, strerrorname_np(errno), written);
      close(fd);
      fflush(stdout);
      return 0;
    }
    written += n;
    if (n == 0) break;
  }
  printf("PROBE %s capped bytes=%ld\n", name, written);
  close(fd);
  fflush(stdout);
  return 0;
}

static int rootfs(void) {
  report_open("create-usr", "/usr/rigshift-probe", O_WRONLY | O_CREAT);
  report_open("create-etc", "/etc/rigshift-probe", O_WRONLY | O_CREAT);
  report_open("create-root", "/rigshift-probe", O_WRONLY | O_CREAT);
  report_open("write-passwd", "/etc/passwd", O_WRONLY | O_APPEND);
  report("mkdir-bin", mkdir("/bin/rigshift-probe", 0755));
  /* World-writable in the image, so only a read-only root (not file modes) can stop this. */
  report_open("create-writable-dir", "/srv/writable/rigshift-probe", O_WRONLY | O_CREAT);
  return 0;
}

/* Writes `bytes` of log lines to stdout as fast as it can, then exits 0. */
static int flood(long bytes) {
  static char line[1024];
  memset(line, 'A', sizeof line - 1);
  line[sizeof line - 1] = '\n';
  for (long done = 0; done < bytes; done += (long)sizeof line) {
    if (write(1, line, sizeof line) < 0) return 1;
  }
  return 0;
}

static int escalate(void) {
  printf("PROBE suid-euid %d\nPROBE suid-uid %d\n", geteuid(), getuid());
  report("suid-setuid0", setuid(0));
  report("suid-setresuid0", setresuid(0, 0, 0));
  printf("PROBE suid-euid-after %d\n", geteuid());
  report_open("suid-read-shadow", "/etc/shadow", O_RDONLY);
  fflush(stdout);
  return 0;
}

static void read_one(const char *name, const char *path) {
  char buf[64];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return report(name, -1);
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  if (n == 0) printf("PROBE %s empty\n", name); /* masked: a bind of /dev/null */
  else report(name, n > 0 ? 0 : -1);
}

static int procsys(void) {
  read_one("read-kcore", "/proc/kcore");
  /* Open only, never write: on a broken sandbox a write here would reboot the CI host. */
  report_open("open-sysrq-trigger", "/proc/sysrq-trigger", O_WRONLY);
  report_open("open-sys-uevent-helper", "/sys/kernel/uevent_helper", O_WRONLY);
  report_open("open-sys-net-mtu", "/sys/class/net/lo/mtu", O_WRONLY);
  report_open("create-sys", "/sys/rigshift-probe", O_WRONLY | O_CREAT);
  report_open("open-core-pattern", "/proc/sys/kernel/core_pattern", O_WRONLY);
  char buf[4096];
  int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof buf - 1);
  report("dmesg", n);
  if (n > 0) {
    buf[n < 200 ? n : 200] = 0;
    for (char *c = buf; *c; c++)
      if (*c == '\n') *c = ' ';
    printf("PROBE dmesg-text %s\n", buf);
  }
  FILE *k = fopen("/proc/kallsyms", "r");
  if (k) {
    char addr[64] = "";
    if (fscanf(k, "%63s", addr) == 1) printf("PROBE kallsyms-first %s\n", addr);
    fclose(k);
  } else {
    report("kallsyms", -1);
  }
  /* Every PID this process can see, with its command name. */
  DIR *d = opendir("/proc");
  struct dirent *e;
  int pids = 0;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char path[300], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
    FILE *c = fopen(path, "r");
    if (c) {
      if (fgets(comm, sizeof comm, c)) comm[strcspn(comm, "\n")] = 0;
      fclose(c);
    }
    printf("PROBE pid %s %s\n", e->d_name, comm);
    pids++;
  }
  if (d) closedir(d);
  printf("PROBE pid-count %d\n", pids);
  fflush(stdout);
  return 0;
}

static int hostpaths(int argc, char **argv) {
  for (int i = 0; i < argc; i++) {
    struct stat st;
    char name[300];
    snprintf(name, sizeof name, "stat:%s", argv[i]);
    report(name, stat(argv[i], &st));
    snprintf(name, sizeof name, "open:%s", argv[i]);
    report_open(name, argv[i], O_RDONLY);
  }
  return 0;
}

static int netif(void) {
  FILE *f = fopen("/proc/net/dev", "r");
  char line[512];
  if (!f) return report("proc-net-dev", -1), 0;
  while (fgets(line, sizeof line, f)) {
    char *colon = strchr(line, ':');
    if (!colon) continue;
    *colon = 0;
    char *name = line;
    while (*name == ' ') name++;
    printf("PROBE netif %s\n", name);
  }
  fclose(f);
  fflush(stdout);
  return 0;
}

/* Looks for `marker` (given reversed, so this process's own argv never matches) in every
 * visible process's cmdline and in every file directly under the given folders. */
static int scan(const char *reversed, int argc, char **argv) {
  char marker[128];
  size_t len = strlen(reversed);
  if (len >= sizeof marker) return 2;
  for (size_t i = 0; i < len; i++) marker[i] = reversed[len - 1 - i];
  marker[len] = 0;
  DIR *d = opendir("/proc");
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char path[300], buf[4096];
    snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
    int fd = open(path, O_RDONLY);
    if (fd < 0) continue;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    for (ssize_t i = 0; i < n; i++)
      if (!buf[i]) buf[i] = ' ';
    if (n > 0 && (buf[n] = 0, strstr(buf, marker))) printf("PROBE scan-found-process %s\n", e->d_name);
  }
  if (d) closedir(d);
  for (int i = 0; i < argc; i++) {
    DIR *dir = opendir(argv[i]);
    while (dir && (e = readdir(dir))) {
      char path[600], buf[256];
      snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
      int fd = open(path, O_RDONLY);
      if (fd < 0) continue;
      ssize_t n = read(fd, buf, sizeof buf - 1);
      close(fd);
      if (n > 0 && (buf[n] = 0, strstr(buf, marker))) printf("PROBE scan-found-file %s\n", path);
    }
    if (dir) closedir(dir);
  }
  printf("PROBE scan-done\n");
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
  if (!strcmp(self, "suid-probe")) return escalate();
  if (argc < 2) {
    fprintf(stderr, "usage: probe caps|syscalls|rawsock|connect|forkbomb|memhog|fill|rootfs|flood|procsys|hostpaths|netif|scan ...\n");
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "caps")) return caps();
  if (!strcmp(cmd, "syscalls")) return syscalls();
  if (!strcmp(cmd, "rawsock")) return rawsock();
  if (!strcmp(cmd, "connect") && argc == 5) return tcp_connect(argv[2], argv[3], atoi(argv[4]));
  if (!strcmp(cmd, "forkbomb") && argc == 4) return forkbomb(atol(argv[2]), atoi(argv[3]));
  if (!strcmp(cmd, "memhog") && argc == 3) return memhog(atol(argv[2]));
  if (!strcmp(cmd, "fill") && argc == 5) return fill(argv[2], argv[3], atol(argv[4]));
  if (!strcmp(cmd, "rootfs")) return rootfs();
  if (!strcmp(cmd, "flood") && argc == 3) return flood(atol(argv[2]));
  if (!strcmp(cmd, "procsys")) return procsys();
  if (!strcmp(cmd, "hostpaths")) return hostpaths(argc - 2, argv + 2);
  if (!strcmp(cmd, "netif")) return netif();
  if (!strcmp(cmd, "scan") && argc >= 3) return scan(argv[2], argc - 3, argv + 3);
  fprintf(stderr, "probe: unknown command or arguments: %s\n", cmd);
  return 2;
}
