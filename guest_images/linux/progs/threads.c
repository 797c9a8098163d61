/* threads.c — four POSIX threads with thread-local counters (TLS through %gs). */
#include <pthread.h>
#include <stdio.h>

static __thread unsigned long local_sum;
static __thread int my_id;

static void *work(void *arg)
{
    my_id = (int)(long)arg;
    for (unsigned long i = 1; i <= 200000; i++)
        local_sum += i % (unsigned long)(my_id + 7);
    return (void *)local_sum;
}

int main(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, work, (void *)i);
    unsigned long total = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf("thread %d: %lu\n", i, (unsigned long)r);
        total += (unsigned long)r;
    }
    printf("main tls untouched: %lu, total %lu\n", local_sum, total);
    return 0;
}
