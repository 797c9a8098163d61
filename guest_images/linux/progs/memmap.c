/* memmap.c — anonymous and file mappings, munmap, mprotect'd pages, fork sharing. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    size_t len = 4 << 20;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    unsigned long sum = 0;
    for (size_t i = 0; i < len; i += 4096)
        p[i] = (unsigned char)(i >> 12);
    for (size_t i = 0; i < len; i += 4096)
        sum += p[i];
    printf("anon 4 MiB page sum %lu\n", sum);
    munmap(p + len / 2, len / 2);
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *shared = 1;
    pid_t c = fork();
    if (c == 0) {
        *shared = 42;
        p[0] = 99; /* private: copy-on-write, the parent keeps its byte */
        _exit(0);
    }
    waitpid(c, NULL, 0);
    printf("shared after fork %d, private %d\n", *shared, p[0]);
    int fd = open("/tmp/mapped", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ftruncate(fd, 8192);
    char *f = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    strcpy(f + 4096, "written through a file mapping");
    munmap(f, 8192);
    char buf[64] = {0};
    pread(fd, buf, sizeof(buf) - 1, 4096);
    printf("file: %s\n", buf);
    close(fd);
    return 0;
}
