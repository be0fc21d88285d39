/* Monte Carlo estimate of pi: `pi [samples] [seed]` (defaults 1000000 and 1). The generator is
 * xorshift64* seeded from the arguments, so every worker given the same arguments writes the same
 * result. Output: $IEXEC_OUT/result.txt and computed.json. */
#include "iexec_app.h"
#include <stdint.h>

static uint64_t state;

static uint64_t next(void) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
}

/* A double in [0, 1) from the top 53 bits. */
static double unit(void) { return (double)(next() >> 11) * (1.0 / 9007199254740992.0); }

int main(int argc, char **argv) {
    unsigned long long samples = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000ULL;
    unsigned long long seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1ULL;
    if (samples == 0 || samples > 10000000000ULL) {
        fprintf(stderr, "samples must be 1…10000000000, got %s\n", argc > 1 ? argv[1] : "?");
        return 2;
    }
    state = seed * 0x9E3779B97F4A7C15ULL + 1;
    unsigned long long inside = 0;
    for (unsigned long long i = 0; i < samples; i++) {
        double x = unit(), y = unit();
        if (x * x + y * y < 1.0) inside++;
    }
    char path[4096];
    FILE *out = iexec_open_output("result.txt", path, sizeof path);
    fprintf(out, "samples %llu\nseed %llu\ninside %llu\npi %.9f\n", samples, seed, inside,
            4.0 * (double)inside / (double)samples);
    fclose(out);
    iexec_computed("/iexec_out/result.txt");
    printf("pi ~ %.9f (%llu samples, seed %llu)\n", 4.0 * (double)inside / (double)samples, samples, seed);
    return 0;
}
