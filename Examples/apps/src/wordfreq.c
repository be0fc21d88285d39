/* Word frequencies of the dataset: `wordfreq [top]` (default 10). Reads
 * $IEXEC_IN/$IEXEC_DATASET_FILENAME, or the first input file ($IEXEC_INPUT_FILE_NAME_1) when there
 * is no dataset. A word is a run of ASCII letters, lower-cased; longer than 63 letters, it is cut.
 * Output: $IEXEC_OUT/result.txt (bytes, words, distinct words, then the `top` most frequent, most
 * frequent first, ties alphabetical) and computed.json. */
#include "iexec_app.h"
#include <ctype.h>
#include <stdint.h>

#define MAX_WORD 64

struct entry {
    char word[MAX_WORD];
    unsigned long count;
    int used;
};

static struct entry *table;
static size_t capacity = 1 << 12, distinct = 0;

static uint64_t fnv1a(const char *text) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (; *text; text++) hash = (hash ^ (unsigned char)*text) * 0x100000001b3ULL;
    return hash;
}

static void insert(struct entry *slots, size_t size, const char *word, unsigned long count) {
    size_t i = fnv1a(word) & (size - 1);
    while (slots[i].used && strcmp(slots[i].word, word) != 0) i = (i + 1) & (size - 1);
    if (!slots[i].used) {
        slots[i].used = 1;
        strcpy(slots[i].word, word);
        if (slots == table) distinct++;
    }
    slots[i].count += count;
}

static void add(const char *word) {
    if (distinct * 2 >= capacity) {
        struct entry *bigger = calloc(capacity * 2, sizeof *bigger);
        if (!bigger) { fprintf(stderr, "out of memory\n"); exit(1); }
        for (size_t i = 0; i < capacity; i++)
            if (table[i].used) insert(bigger, capacity * 2, table[i].word, table[i].count);
        free(table);
        table = bigger;
        capacity *= 2;
    }
    insert(table, capacity, word, 1);
}

static int by_count(const void *a, const void *b) {
    const struct entry *x = a, *y = b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->word, y->word);
}

int main(int argc, char **argv) {
    long top = argc > 1 ? strtol(argv[1], NULL, 10) : 10;
    if (top < 1) top = 10;
    const char *name = getenv("IEXEC_DATASET_FILENAME");
    if (!name || !*name) name = getenv("IEXEC_INPUT_FILE_NAME_1");
    if (!name || !*name) {
        fprintf(stderr, "no dataset and no input file: set IEXEC_DATASET_FILENAME or IEXEC_INPUT_FILE_NAME_1\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", iexec_dir("IEXEC_IN", "/iexec_in"), name);
    FILE *in = fopen(path, "rb");
    if (!in) { fprintf(stderr, "cannot read %s\n", path); return 1; }
    table = calloc(capacity, sizeof *table);
    if (!table) { fprintf(stderr, "out of memory\n"); return 1; }
    char word[MAX_WORD];
    size_t length = 0;
    unsigned long long bytes = 0, words = 0;
    int c;
    while ((c = fgetc(in)) != EOF) {
        bytes++;
        if (c < 128 && isalpha(c)) {
            if (length < MAX_WORD - 1) word[length++] = (char)tolower(c);
        } else if (length > 0) {
            word[length] = 0;
            add(word);
            words++;
            length = 0;
        }
    }
    if (length > 0) { word[length] = 0; add(word); words++; }
    fclose(in);
    struct entry *sorted = malloc((distinct ? distinct : 1) * sizeof *sorted);
    size_t n = 0;
    for (size_t i = 0; i < capacity; i++) if (table[i].used) sorted[n++] = table[i];
    qsort(sorted, n, sizeof *sorted, by_count);
    FILE *out = iexec_open_output("result.txt", path, sizeof path);
    fprintf(out, "bytes %llu\nwords %llu\ndistinct %zu\n", bytes, words, n);
    for (size_t i = 0; i < n && i < (size_t)top; i++) fprintf(out, "%lu %s\n", sorted[i].count, sorted[i].word);
    fclose(out);
    iexec_computed("/iexec_out/result.txt");
    printf("%llu words, %zu distinct\n", words, n);
    return 0;
}
