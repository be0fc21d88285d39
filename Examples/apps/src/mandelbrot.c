/* The Mandelbrot set as a binary PPM: `mandelbrot [width] [height] [iterations]` (defaults 320,
 * 240, 256; at most 4096 × 4096 and 100000 iterations), over [-2.5, 1] × [-1.2, 1.2]. IEEE
 * double arithmetic with no fused operations, so every worker writes the same bytes. Output:
 * $IEXEC_OUT/mandelbrot.ppm and computed.json. */
#include "iexec_app.h"

int main(int argc, char **argv) {
    long width = argc > 1 ? strtol(argv[1], NULL, 10) : 320;
    long height = argc > 2 ? strtol(argv[2], NULL, 10) : 240;
    long iterations = argc > 3 ? strtol(argv[3], NULL, 10) : 256;
    if (width < 1 || width > 4096 || height < 1 || height > 4096 || iterations < 1 || iterations > 100000) {
        fprintf(stderr, "width and height must be 1…4096 and iterations 1…100000\n");
        return 2;
    }
    char path[4096];
    FILE *out = iexec_open_output("mandelbrot.ppm", path, sizeof path);
    fprintf(out, "P6\n%ld %ld\n255\n", width, height);
    unsigned char *row = malloc((size_t)width * 3);
    if (!row) { fprintf(stderr, "out of memory\n"); return 1; }
    for (long y = 0; y < height; y++) {
        double ci = 1.2 - 2.4 * (double)y / (double)height;
        for (long x = 0; x < width; x++) {
            double cr = -2.5 + 3.5 * (double)x / (double)width;
            double zr = 0, zi = 0;
            long n = 0;
            while (n < iterations && zr * zr + zi * zi <= 4.0) {
                double next = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = next;
                n++;
            }
            unsigned char shade = n == iterations ? 0 : (unsigned char)(255 - (n * 255) / iterations);
            row[x * 3] = shade;
            row[x * 3 + 1] = (unsigned char)((shade * 3) & 0xFF);
            row[x * 3 + 2] = (unsigned char)(255 - shade);
        }
        fwrite(row, 1, (size_t)width * 3, out);
    }
    free(row);
    fclose(out);
    iexec_computed("/iexec_out/mandelbrot.ppm");
    printf("%ld x %ld, %ld iterations\n", width, height, iterations);
    return 0;
}
