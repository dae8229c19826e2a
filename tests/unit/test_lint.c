/* The static model lint: template introspection, each rule firing on a
 * crafted subject and staying silent just beside its threshold, data rules
 * on in-memory data sets, hints on D1 and M2, the 30 benchmark subjects'
 * fixes free of confident findings, and out-of-memory passes. */
#include <check.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/subject.h"
#include "engine/template.h"
#include "lint/lint.h"
#include "space/space.h"
#include "util/alloc.h"

#define SUBJECTS DNNR_TEST_SOURCE_DIR "/configs/subjects/"

/* A subject whose every lint-relevant field is a parameter: a hidden dense
 * layer, a dropout, an output dense layer. toy() puts the id and the task
 * on lines 1 and 2. */
static const char *toy_text =
    "metric = { name = \"accuracy\"; direction = \"max\"; };\n"                        /* 3 */
    "dataset = { loader = \"synthetic\"; generator = \"d1\"; };\n"                      /* 4 */
    "space = (\n"                                                                      /* 5 */
    "  { name = \"act\"; type = \"categorical\"; choices = [\"relu\", \"softmax\", \"sigmoid\",\n"
    "    \"linear\", \"softsign\", \"tanh\", \"hard_sigmoid\", \"exponential\", \"softplus\"]; },\n"
    "  { name = \"hact\"; type = \"categorical\"; choices = [\"relu\", \"softmax\", \"sigmoid\",\n"
    "    \"linear\", \"softsign\", \"tanh\", \"hard_sigmoid\", \"exponential\", \"softplus\"]; },\n"
    "  { name = \"units\"; type = \"integer\"; lo = 0; hi = 100; },\n"                  /* 10 */
    "  { name = \"loss\"; type = \"categorical\"; choices = [\"mean_squared_error\",\n"
    "    \"mean_absolute_error\", \"mean_absolute_percentage_error\",\n"
    "    \"mean_squared_logarithmic_error\", \"squared_hinge\", \"hinge\", \"categorical_hinge\",\n"
    "    \"logcosh\", \"categorical_crossentropy\", \"sparse_categorical_crossentropy\",\n"
    "    \"binary_crossentropy\", \"kullback_leibler_divergence\", \"poisson\"]; },\n"   /* 15 */
    "  { name = \"optimizer\"; type = \"categorical\"; choices = [\"sgd\", \"rmsprop\", \"adagrad\",\n"
    "    \"adadelta\", \"adam\", \"adamax\", \"nadam\"]; },\n"
    "  { name = \"lr\"; type = \"float\"; lo = 1e-7; hi = 100.0; },\n"
    "  { name = \"batch_size\"; type = \"integer\"; lo = 0; hi = 100000; },\n"
    "  { name = \"epochs\"; type = \"integer\"; lo = 0; hi = 1000; },\n"                /* 20 */
    "  { name = \"ki\"; type = \"categorical\"; choices = [\"glorot_uniform\", \"zeros\", \"ones\",\n"
    "    \"constant\", \"RandomNormal\", \"random_normal\"]; },\n"
    "  { name = \"bi\"; type = \"categorical\"; choices = [\"zeros\", \"orthogonal\"]; },\n"
    "  { name = \"rate\"; type = \"float\"; lo = 0.0; hi = 0.99; },\n"
    "  { name = \"reg\"; type = \"categorical\"; choices = [\"None\", \"l1\", \"l2\", \"l1_l2\"]; },\n"
    "  { name = \"hunits\"; type = \"integer\"; lo = 0; hi = 100000; }\n"              /* 26 */
    ");\n"
    "faulty = { act = \"softmax\"; hact = \"relu\"; units = 3; loss = \"categorical_crossentropy\";\n"
    "           optimizer = \"adam\"; lr = 0.001; batch_size = 32; epochs = 100;\n"
    "           ki = \"glorot_uniform\"; bi = \"zeros\"; rate = 0.2; reg = \"None\"; hunits = 8; };\n"
    "fix = { };\n"                                                                     /* 31 */
    "model = (\n"                                                                      /* 32 */
    "  { type = \"dense\"; units = \"$hunits\"; activation = \"$hact\"; kernel_initializer = \"$ki\";\n"
    "    bias_initializer = \"$bi\"; kernel_regularizer = \"$reg\"; },\n"
    "  { type = \"dropout\"; rate = \"$rate\"; },\n"                                   /* 35 */
    "  { type = \"dense\"; units = \"$units\"; activation = \"$act\"; }\n"             /* 36 */
    ");\n"
    "training = { loss = \"$loss\"; optimizer = \"$optimizer\"; lr = \"$lr\";\n"       /* 38 */
    "             batch_size = \"$batch_size\"; epochs = \"$epochs\"; };\n";

/* A linted configuration: the subject, its template and the findings. */
typedef struct linted {
    char path[64];
    dnnr_subject *s;
    dnnr_model_template *t;
    dnnr_lint_report r;
    dnnr_error err;
} linted;

static void write_file(char *path, size_t len, const char *text)
{
    snprintf(path, len, "/tmp/dnnr_lint_XXXXXX");
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    ck_assert(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void open_subject(linted *l, const char *text)
{
    memset(l, 0, sizeof *l);
    write_file(l->path, sizeof l->path, text);
    ck_assert_msg(dnnr__subject_read(l->path, &l->s, &l->err) == DNNR_OK, "%s", l->err.msg);
    ck_assert_msg(dnnr__model_template_parse(l->s->model, l->s->training, l->s->file, &l->t,
                                             &l->err) == DNNR_OK, "%s", l->err.msg);
    ck_assert_msg(dnnr__model_template_check(l->t, l->s->space, &l->err) == DNNR_OK, "%s",
                  l->err.msg);
}

static void open_file(linted *l, const char *path)
{
    memset(l, 0, sizeof *l);
    ck_assert_msg(dnnr__subject_read(path, &l->s, &l->err) == DNNR_OK, "%s", l->err.msg);
    ck_assert_msg(dnnr__model_template_parse(l->s->model, l->s->training, l->s->file, &l->t,
                                             &l->err) == DNNR_OK, "%s", l->err.msg);
}

/* Lint the faulty values changed by the NULL-terminated "name=value" list. */
static void run(linted *l, const dnnr_dataset *data, const char *const *set)
{
    dnnr__lint_report_clear(&l->r);
    uint32_t n = l->s->space->n_params;
    dnnr_value *config = dnnr__alloc(n + 1, sizeof *config);
    ck_assert(config != NULL);
    memcpy(config, l->s->faulty, n * sizeof *config);
    for (size_t i = 0; set && set[i]; i++)
        ck_assert_msg(dnnr__config_assign(l->s->space, config, set[i], &l->err) == DNNR_OK, "%s: %s",
                      set[i], l->err.msg);
    int rc = dnnr__lint_run(l->s, l->t, data, config, &l->r, &l->err);
    dnnr__free(config);
    ck_assert_msg(rc == DNNR_OK, "%s", l->err.msg);
}

static void close_linted(linted *l)
{
    dnnr__lint_report_clear(&l->r);
    dnnr__model_template_destroy(l->t);
    dnnr__subject_destroy(l->s);
    if (l->path[0])
        unlink(l->path);
}

static void toy(linted *l, const char *task)
{
    char text[8192];
    snprintf(text, sizeof text, "id = \"toy\";\ntask = \"%s\";\n%s", task, toy_text);
    open_subject(l, text);
}

static const dnnr_lint_finding *find(const linted *l, const char *rule)
{
    for (size_t i = 0; i < l->r.n; i++)
        if (strcmp(l->r.findings[i].rule, rule) == 0)
            return &l->r.findings[i];
    return NULL;
}

static int names(const dnnr_lint_finding *f, const char *param)
{
    for (uint32_t i = 0; f && i < f->n_params; i++)
        if (strcmp(f->params[i], param) == 0)
            return 1;
    return 0;
}

static void dump(const linted *l, char *buf, size_t len)
{
    buf[0] = 0;
    for (size_t i = 0; i < l->r.n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "[%s %.2f] ", l->r.findings[i].rule,
                 l->r.findings[i].confidence);
    }
}

/* Assert that @p rule fires (with confidence conf, naming param when not NULL) or not (conf < 0). */
static void expect(const linted *l, const char *rule, double conf, const char *param)
{
    char all[2048];
    dump(l, all, sizeof all);
    const dnnr_lint_finding *f = find(l, rule);
    if (conf < 0) {
        ck_assert_msg(f == NULL, "%s fired unexpectedly: %s", rule, all);
        return;
    }
    ck_assert_msg(f != NULL, "%s did not fire: %s", rule, all);
    ck_assert_msg(fabs(f->confidence - conf) < 1e-9, "%s: confidence %.3f, expected %.3f", rule,
                  f->confidence, conf);
    if (param)
        ck_assert_msg(names(f, param), "%s does not name %s", rule, param);
}

#define SET(...) ((const char *const[]){__VA_ARGS__, NULL})

/* In-memory data sets: 4 features, n rows. */
typedef struct toy_data {
    dnnr_dataset d;
    float *x, *y;
} toy_data;

static void data_make(toy_data *t, uint64_t n, dnnr_target_kind kind, uint32_t y_dim,
                      uint32_t n_classes)
{
    memset(t, 0, sizeof *t);
    t->x = calloc(n * 4, sizeof(float));
    t->y = calloc(n * y_dim, sizeof(float));
    ck_assert(t->x && t->y);
    for (uint64_t r = 0; r < n; r++) {
        for (int i = 0; i < 4; i++)
            t->x[r * 4 + i] = (float)((r + (uint64_t)i) % 7) / 7.0f;
        if (kind == DNNR_TARGET_ONE_HOT)
            t->y[r * y_dim + r % y_dim] = 1.0f;
        else if (kind == DNNR_TARGET_CLASS_INDEX)
            t->y[r] = (float)(r % n_classes);
        else
            for (uint32_t j = 0; j < y_dim; j++)
                t->y[r * y_dim + j] = (float)(r % 10) / 10.0f;
    }
    t->d.struct_size = sizeof t->d;
    t->d.rank = 1;
    t->d.shape[0] = 4;
    t->d.n_train = t->d.n_test = n;
    t->d.x_train = t->d.x_test = t->x;
    t->d.y_train = t->d.y_test = t->y;
    t->d.target_kind = kind;
    t->d.y_dim = y_dim;
    t->d.n_classes = n_classes;
    t->d.provenance = "test";
}

static void data_free(toy_data *t)
{
    free(t->x);
    free(t->y);
}

START_TEST(template_fields)
{
    linted l;
    toy(&l, "classification");
    ck_assert_uint_eq(dnnr__model_template_n_layers(l.t), 3);
    ck_assert_uint_eq(dnnr__model_template_line(l.t, 0), 33);
    ck_assert_uint_eq(dnnr__model_template_line(l.t, -1), 38);
    ck_assert_uint_eq(dnnr__model_template_line(l.t, 3), 0);
    dnnr_template_field f;
    ck_assert_int_eq(dnnr__model_template_field(l.t, 0, "activation", &f), DNNR_OK);
    ck_assert(f.present && f.line == 33 && strcmp(f.param, "hact") == 0);
    ck_assert_int_eq(dnnr__model_template_field(l.t, 0, "use_bias", &f), DNNR_OK);
    ck_assert(!f.present && f.param == NULL && f.line == 33); /* absent: the layer's line */
    ck_assert_int_eq(dnnr__model_template_field(l.t, 1, "rate", &f), DNNR_OK);
    ck_assert_str_eq(f.param, "rate");
    ck_assert_int_eq(dnnr__model_template_field(l.t, 1, "units", &f), DNNR_EINVAL); /* not a dropout key */
    ck_assert_int_eq(dnnr__model_template_field(l.t, 5, "units", &f), DNNR_EINVAL);
    ck_assert_int_eq(dnnr__model_template_field(l.t, 0, "lr", &f), DNNR_EINVAL);
    ck_assert_int_eq(dnnr__model_template_field(l.t, -1, "lr", &f), DNNR_OK);
    ck_assert(f.present && f.line == 38 && strcmp(f.param, "lr") == 0);
    ck_assert_int_eq(dnnr__model_template_field(l.t, -1, "shuffle", &f), DNNR_OK);
    ck_assert(!f.present && f.line == 38);
    ck_assert_str_eq(dnnr__model_template_ref(l.t, 2, "units"), "units");
    ck_assert_ptr_null(dnnr__model_template_ref(l.t, 2, "kernel_initializer"));
    ck_assert_ptr_null(dnnr__model_template_ref(l.t, -1, "nonsense"));
    int training = -1, n_training = 0;
    size_t i = 0;
    for (const char *key; (key = dnnr__model_template_key(i, &training)); i++)
        n_training += training;
    ck_assert_uint_eq(i, 26); /* 19 layer keys, 7 training keys */
    ck_assert_int_eq(n_training, 7);
    close_linted(&l);
}
END_TEST

START_TEST(resolved_layers_know_their_template_layer)
{
    static const char *text =
        "model = ( { type = \"dense\"; units = 4; },\n"
        "          { type = \"dense\"; units = 3; repeat = 3; },\n"
        "          { type = \"dropout\"; rate = 0.1; repeat = 0; },\n"
        "          { type = \"dense\"; units = 1; } );\n"
        "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 1; epochs = 1; };\n";
    config_t cfg;
    config_init(&cfg);
    ck_assert(config_read_string(&cfg, text) == CONFIG_TRUE);
    dnnr_model_template *t = NULL;
    dnnr_error err;
    ck_assert_int_eq(dnnr__model_template_parse(config_lookup(&cfg, "model"),
                                                config_lookup(&cfg, "training"), "r.cfg", &t, &err),
                     DNNR_OK);
    dnnr_space *space = dnnr__space_create();
    dnnr_model_spec *spec = NULL;
    ck_assert_int_eq(dnnr__model_resolve(t, space, NULL, &spec, &err), DNNR_OK);
    ck_assert_uint_eq(spec->n_layers, 5);
    static const uint32_t expected[] = {0, 1, 1, 1, 3};
    for (uint32_t i = 0; i < 5; i++)
        ck_assert_uint_eq(spec->layers[i].template_layer, expected[i]);
    dnnr__model_spec_destroy(spec);
    dnnr__space_destroy(space);
    dnnr__model_template_destroy(t);
    config_destroy(&cfg);
}
END_TEST

START_TEST(softmax_single_unit)
{
    linted l;
    toy(&l, "classification");
    run(&l, NULL, SET("units=1", "loss=binary_crossentropy"));
    expect(&l, "softmax-single-unit", 0.95, "act");
    ck_assert_uint_eq(l.r.findings[0].line, 36); /* the most confident first */
    ck_assert_int_eq(l.r.findings[0].layer, 2);
    run(&l, NULL, SET("units=2", "loss=binary_crossentropy"));
    expect(&l, "softmax-single-unit", -1, NULL);
    run(&l, NULL, SET("units=1", "act=sigmoid", "loss=binary_crossentropy"));
    expect(&l, "softmax-single-unit", -1, NULL);
    ck_assert_uint_eq(l.r.n, 0);
    /* A hidden softmax over one unit, and one over several. */
    run(&l, NULL, SET("hunits=1", "hact=softmax"));
    expect(&l, "softmax-single-unit", 0.95, "hact");
    run(&l, NULL, SET("hact=softmax"));
    expect(&l, "softmax-hidden", 0.7, "hact");
    expect(&l, "softmax-single-unit", -1, NULL);
    close_linted(&l);
}
END_TEST

START_TEST(literal_faults_name_no_parameter)
{
    static const char *text =
        "id = \"lit\";\ntask = \"classification\";\n"
        "metric = { name = \"accuracy\"; direction = \"max\"; };\n"
        "dataset = { loader = \"synthetic\"; generator = \"d1\"; };\n"
        "space = ( { name = \"lr\"; type = \"float\"; lo = 1e-6; hi = 10.0; } );\n"
        "faulty = { lr = 0.001; };\n"
        "model = ( { type = \"dense\"; units = 1; activation = \"softmax\"; kernel_regularizer = \"l1\"; } );\n"
        "training = { loss = \"binary_crossentropy\"; optimizer = \"adam\"; lr = \"$lr\";\n"
        "             batch_size = 32; epochs = 5; };\n";
    linted l;
    open_subject(&l, text);
    run(&l, NULL, NULL);
    const dnnr_lint_finding *f = find(&l, "softmax-single-unit");
    ck_assert(f != NULL);
    ck_assert_uint_eq(f->n_params, 0);
    ck_assert_uint_eq(f->line, 7);
    ck_assert_msg(strstr(f->message, "'activation' is fixed in the template: outside the search space"),
                  "%s", f->message);
    f = find(&l, "strong-regularizer");
    ck_assert(f != NULL && f->n_params == 0 && f->confidence == 0.3); /* no data: size unknown */
    ck_assert(strstr(f->message, "outside the search space"));
    close_linted(&l);
}
END_TEST

START_TEST(output_activation_and_loss)
{
    linted l;
    toy(&l, "classification");
    run(&l, NULL, NULL); /* softmax + categorical_crossentropy: matched */
    ck_assert_uint_eq(l.r.n, 0);
    run(&l, NULL, SET("act=linear"));
    expect(&l, "unbounded-output-classifier", 0.9, "act");
    run(&l, NULL, SET("act=relu"));
    expect(&l, "unbounded-output-classifier", 0.8, "act");
    run(&l, NULL, SET("act=softsign"));
    expect(&l, "signed-output-classifier", 0.85, "act");
    run(&l, NULL, SET("act=linear", "loss=mean_squared_error"));
    expect(&l, "unbounded-output-classifier", 0.5, "act");
    expect(&l, "regression-loss-for-classifier", 0.5, "loss");
    run(&l, NULL, SET("loss=mean_squared_error"));
    expect(&l, "regression-loss-for-classifier", 0.35, "loss");
    expect(&l, "unbounded-output-classifier", -1, NULL);
    run(&l, NULL, SET("loss=mean_absolute_error"));
    expect(&l, "regression-loss-for-classifier", 0.6, "loss");
    run(&l, NULL, SET("loss=mean_absolute_percentage_error"));
    expect(&l, "regression-loss-for-classifier", 0.75, "loss");
    run(&l, NULL, SET("loss=hinge"));
    expect(&l, "hinge-on-probabilities", 0.7, "loss");
    ck_assert(names(find(&l, "hinge-on-probabilities"), "act"));
    run(&l, NULL, SET("loss=hinge", "act=linear"));
    expect(&l, "hinge-on-probabilities", -1, NULL);
    ck_assert_uint_eq(l.r.n, 0); /* a linear score with the hinge is the matched pair */
    run(&l, NULL, SET("loss=hinge", "act=tanh"));
    ck_assert_uint_eq(l.r.n, 0);
    run(&l, NULL, SET("loss=binary_crossentropy"));
    expect(&l, "bce-softmax", 0.5, "loss");
    run(&l, NULL, SET("loss=binary_crossentropy", "units=2"));
    expect(&l, "bce-softmax", 0.4, "act");
    run(&l, NULL, SET("loss=binary_crossentropy", "act=sigmoid"));
    ck_assert_uint_eq(l.r.n, 0);
    run(&l, NULL, SET("loss=categorical_crossentropy", "act=sigmoid", "units=1"));
    expect(&l, "categorical-loss-single-unit", 0.9, "loss");
    ck_assert(names(find(&l, "categorical-loss-single-unit"), "units"));
    run(&l, NULL, SET("act=sigmoid"));
    expect(&l, "output-activation-loss-mismatch", 0.3, "act");
    run(&l, NULL, SET("act=hard_sigmoid", "loss=binary_crossentropy", "units=1"));
    expect(&l, "output-activation-loss-mismatch", 0.35, "act");
    close_linted(&l);
}
END_TEST

START_TEST(labels_against_loss)
{
    linted l;
    toy(&l, "classification");
    toy_data onehot, index, multi, single;
    data_make(&onehot, 300, DNNR_TARGET_ONE_HOT, 3, 3);
    data_make(&index, 300, DNNR_TARGET_CLASS_INDEX, 1, 3);
    data_make(&multi, 300, DNNR_TARGET_ONE_HOT, 3, 3);
    for (int r = 0; r < 10; r++)
        multi.y[r * 3 + (r + 1) % 3] = 1.0f; /* 10 rows of 300 carry two 1s: 3.3 % */
    data_make(&single, 300, DNNR_TARGET_CLASS_INDEX, 1, 3);
    memset(single.y, 0, 300 * sizeof(float));
    run(&l, &onehot.d, NULL);
    ck_assert_uint_eq(l.r.n, 0);
    run(&l, &onehot.d, SET("loss=sparse_categorical_crossentropy"));
    expect(&l, "loss-label-shape", 1.0, "loss");
    run(&l, &index.d, SET("loss=sparse_categorical_crossentropy"));
    ck_assert_uint_eq(l.r.n, 0);
    run(&l, &index.d, NULL); /* categorical cross-entropy on class indices */
    expect(&l, "loss-label-shape", 1.0, "units");
    run(&l, &index.d, SET("loss=sparse_categorical_crossentropy", "units=2"));
    expect(&l, "fewer-outputs-than-classes", 1.0, "units");
    run(&l, &multi.d, NULL);
    expect(&l, "multi-hot-labels-softmax", 0.6, "act");
    for (int r = 3; r < 10; r++)
        multi.y[r * 3 + (r + 1) % 3] = 0.0f; /* 3 rows: 1 %, at the threshold */
    run(&l, &multi.d, NULL);
    expect(&l, "multi-hot-labels-softmax", -1, NULL);
    run(&l, &single.d, SET("loss=sparse_categorical_crossentropy"));
    expect(&l, "single-class-labels", 0.95, NULL);
    ck_assert_uint_eq(find(&l, "single-class-labels")->n_params, 0);
    ck_assert_uint_eq(find(&l, "single-class-labels")->line, 0);
    for (int r = 0; r < 3; r++)
        single.y[r] = 1.0f; /* 99 % one class */
    run(&l, &single.d, SET("loss=sparse_categorical_crossentropy"));
    expect(&l, "class-imbalance", 0.5, NULL);
    single.y[3] = 2.0f; /* 98.7 % */
    run(&l, &single.d, SET("loss=sparse_categorical_crossentropy"));
    expect(&l, "class-imbalance", -1, NULL);
    data_free(&onehot);
    data_free(&index);
    data_free(&multi);
    data_free(&single);
    close_linted(&l);
}
END_TEST

START_TEST(regression_outputs)
{
    linted l;
    toy(&l, "regression");
    toy_data d;
    data_make(&d, 300, DNNR_TARGET_REAL, 3, 0); /* targets in [0, 0.9] */
    run(&l, &d.d, SET("act=linear", "loss=mean_squared_error"));
    ck_assert_uint_eq(l.r.n, 0);
    run(&l, &d.d, SET("act=sigmoid", "loss=mean_squared_error"));
    ck_assert_uint_eq(l.r.n, 0); /* every target inside (0, 1) */
    for (int r = 0; r < 10; r++)
        d.y[r * 3] = -0.5f; /* 10 of 900 values: 1.1 % */
    run(&l, &d.d, SET("act=sigmoid", "loss=mean_squared_error"));
    expect(&l, "bounded-output-regression", 0.8, "act");
    run(&l, &d.d, SET("act=tanh", "loss=mean_squared_error"));
    expect(&l, "bounded-output-regression", -1, NULL); /* -0.5 is inside (-1, 1) */
    run(&l, &d.d, SET("act=linear", "loss=mean_squared_logarithmic_error"));
    expect(&l, "log-loss-negative-targets", 0.85, "loss");
    for (int r = 1; r < 10; r++)
        d.y[r * 3] = 0.5f; /* 1 of 900 */
    run(&l, &d.d, SET("act=linear", "loss=mean_squared_logarithmic_error"));
    expect(&l, "log-loss-negative-targets", -1, NULL);
    run(&l, &d.d, SET("act=linear", "loss=categorical_crossentropy"));
    expect(&l, "classification-loss-for-regression", 0.8, "loss");
    run(&l, NULL, SET("act=sigmoid", "loss=mean_squared_error"));
    expect(&l, "bounded-output-regression", 0.35, "act"); /* without data: only a caution */
    data_free(&d);
    close_linted(&l);
}
END_TEST

START_TEST(kernel_initialisers)
{
    linted l;
    toy(&l, "classification");
    run(&l, NULL, SET("ki=zeros"));
    expect(&l, "constant-kernel-init", 0.9, "ki");
    run(&l, NULL, SET("ki=constant"));
    expect(&l, "constant-kernel-init", 0.9, "ki");
    run(&l, NULL, SET("ki=ones"));
    expect(&l, "constant-kernel-init", 0.85, "ki");
    run(&l, NULL, SET("ki=zeros", "hunits=1")); /* one unit: nothing to keep symmetric */
    expect(&l, "constant-kernel-init", -1, NULL);
    run(&l, NULL, SET("bi=orthogonal"));
    expect(&l, "orthogonal-bias", 1.0, "bi");
    toy_data d;
    data_make(&d, 300, DNNR_TARGET_ONE_HOT, 3, 3);
    run(&l, &d.d, SET("ki=RandomNormal")); /* sd 1 x sqrt(4 inputs) = 2 */
    expect(&l, "init-scale-large", -1, NULL);
    data_free(&d);
    data_make(&d, 300, DNNR_TARGET_ONE_HOT, 3, 3);
    d.d.shape[0] = 101; /* sqrt(101) > 10; no rows, so only the shape is read */
    d.d.n_train = 0;
    run(&l, &d.d, SET("ki=RandomNormal"));
    expect(&l, "init-scale-large", 0.3, "ki");
    d.d.shape[0] = 100; /* exactly 10 */
    run(&l, &d.d, SET("ki=RandomNormal"));
    expect(&l, "init-scale-large", -1, NULL);
    data_free(&d);
    close_linted(&l);
}
END_TEST

START_TEST(hidden_activations)
{
    linted l;
    toy(&l, "classification");
    run(&l, NULL, SET("hact=exponential"));
    expect(&l, "exponential-hidden", 0.75, "hact");
    run(&l, NULL, SET("hact=hard_sigmoid"));
    expect(&l, "hard-sigmoid-hidden", 0.55, "hact");
    run(&l, NULL, SET("hact=linear"));
    expect(&l, "linear-hidden-layer", 0.45, "hact");
    run(&l, NULL, SET("hact=sigmoid"));
    ck_assert_uint_eq(l.r.n, 0); /* one sigmoid layer is no stack */
    run(&l, NULL, SET("act=exponential", "loss=poisson"));
    expect(&l, "exponential-hidden", -1, NULL); /* the output is not hidden */
    close_linted(&l);
    /* Activation layers after activation-less dense layers, a max-pool between convs, a deep sigmoid stack. */
    static const char *text =
        "id = \"deep\";\ntask = \"classification\";\n"
        "metric = { name = \"accuracy\"; direction = \"max\"; };\n"
        "dataset = { loader = \"synthetic\"; generator = \"d1\"; };\n"
        "space = ( { name = \"a\"; type = \"categorical\"; choices = [\"sigmoid\", \"relu\", \"linear\", \"tanh\"]; },\n"
        "          { name = \"b\"; type = \"categorical\"; choices = [\"sigmoid\", \"relu\", \"linear\", \"tanh\"]; },\n"
        "          { name = \"c\"; type = \"categorical\"; choices = [\"sigmoid\", \"relu\", \"linear\", \"tanh\"]; },\n"
        "          { name = \"n\"; type = \"integer\"; lo = 0; hi = 4; } );\n"
        "faulty = { a = \"sigmoid\"; b = \"sigmoid\"; c = \"sigmoid\"; n = 1; };\n"
        "model = ( { type = \"dense\"; units = 8; }, { type = \"activation\"; activation = \"$a\"; },\n"
        "          { type = \"dropout\"; rate = 0.1; },\n"
        "          { type = \"dense\"; units = 8; activation = \"$b\"; repeat = \"$n\"; },\n"
        "          { type = \"dense\"; units = 8; activation = \"$c\"; },\n"
        "          { type = \"dense\"; units = 3; activation = \"softmax\"; } );\n"
        "training = { loss = \"categorical_crossentropy\"; optimizer = \"adam\"; batch_size = 32; epochs = 5; };\n";
    open_subject(&l, text);
    run(&l, NULL, NULL);
    expect(&l, "saturating-deep-stack", 0.3, "a");
    ck_assert(names(find(&l, "saturating-deep-stack"), "b") && names(find(&l, "saturating-deep-stack"), "c"));
    run(&l, NULL, SET("c=relu"));
    expect(&l, "saturating-deep-stack", -1, NULL); /* 2 sigmoid layers */
    run(&l, NULL, SET("c=relu", "n=2"));
    expect(&l, "saturating-deep-stack", 0.3, "b"); /* repeat copies count */
    run(&l, NULL, SET("a=tanh", "b=tanh", "c=tanh", "n=2"));
    expect(&l, "saturating-deep-stack", -1, NULL); /* 4 tanh layers */
    run(&l, NULL, SET("a=tanh", "b=tanh", "c=tanh", "n=3"));
    expect(&l, "saturating-deep-stack", 0.2, "b");
    run(&l, NULL, SET("a=linear", "c=relu", "b=relu"));
    expect(&l, "linear-hidden-layer", 0.45, "a"); /* the activation layer's parameter */
    ck_assert_uint_eq(find(&l, "linear-hidden-layer")->line, 10);
    close_linted(&l);
}
END_TEST

START_TEST(pooling_between_linear_convs)
{
    static const char *text =
        "id = \"conv\";\ntask = \"classification\";\n"
        "metric = { name = \"accuracy\"; direction = \"max\"; };\n"
        "dataset = { loader = \"synthetic\"; generator = \"d1\"; };\n"
        "space = ( { name = \"a\"; type = \"categorical\"; choices = [\"None\", \"relu\"]; },\n"
        "          { name = \"p\"; type = \"integer\"; lo = 1; hi = 9; } );\n"
        "faulty = { a = \"None\"; p = 2; };\n"
        "model = ( { type = \"conv2d\"; filters = 4; kernel_size = 3; activation = \"$a\"; },\n"
        "          { type = \"max_pooling2d\"; pool_size = \"$p\"; },\n"
        "          { type = \"conv2d\"; filters = 4; kernel_size = 3; activation = \"relu\"; },\n"
        "          { type = \"flatten\"; },\n"
        "          { type = \"dense\"; units = 2; activation = \"softmax\"; } );\n"
        "training = { loss = \"categorical_crossentropy\"; optimizer = \"adam\"; batch_size = 4; epochs = 100; };\n";
    linted l;
    open_subject(&l, text);
    toy_data d;
    data_make(&d, 16, DNNR_TARGET_ONE_HOT, 2, 2);
    d.d.rank = 3;
    d.d.shape[0] = 8, d.d.shape[1] = 8, d.d.shape[2] = 1; /* 8x8 -> 6x6 -> pool */
    d.d.n_train = 0; /* only the shape matters here */
    run(&l, &d.d, NULL);
    expect(&l, "linear-hidden-layer", 0.25, "a");
    expect(&l, "shape-collapse", -1, NULL);
    run(&l, &d.d, SET("p=3")); /* 6 -> 2: the 3x3 conv then has nothing left */
    expect(&l, "shape-collapse", 1.0, NULL);
    ck_assert_uint_eq(find(&l, "shape-collapse")->line, 10);
    run(&l, &d.d, SET("p=7")); /* the pool itself leaves nothing */
    expect(&l, "shape-collapse", 1.0, "p");
    data_free(&d);
    close_linted(&l);
}
END_TEST

START_TEST(learning_rates)
{
    linted l;
    toy(&l, "classification");
    static const struct {
        const char *opt, *lr;
        double conf;
    } cases[] = {
        {"adam", "0.02", -1},   {"adam", "0.021", 0.35}, {"adam", "0.3", 0.35},
        {"adam", "0.31", 0.85}, {"adam", "3.1", 0.95},   {"adam", "1e-05", -1},
        {"adam", "9e-06", 0.35}, {"rmsprop", "1.0", 0.85}, {"sgd", "0.3", -1},
        {"sgd", "1.5", 0.35},   {"sgd", "1.6", 0.85},    {"sgd", "0.004", 0.35},
        {"sgd", "0.005", -1},   {"adadelta", "1.0", -1}, {"adadelta", "0.01", 0.85},
        {"adadelta", "0.001", 0.95}, {"adagrad", "0.01", -1}, {"nadam", "0.002", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char o[64], r[64];
        snprintf(o, sizeof o, "optimizer=%s", cases[i].opt);
        snprintf(r, sizeof r, "lr=%s", cases[i].lr);
        run(&l, NULL, SET(o, r));
        expect(&l, "lr-out-of-range", cases[i].conf, "lr");
        if (cases[i].conf > 0)
            ck_assert(names(find(&l, "lr-out-of-range"), "optimizer"));
    }
    close_linted(&l);
}
END_TEST

START_TEST(epochs_and_updates)
{
    linted l;
    toy(&l, "classification");
    toy_data d;
    data_make(&d, 160, DNNR_TARGET_ONE_HOT, 3, 3);
    run(&l, NULL, SET("epochs=1"));
    expect(&l, "single-epoch", 0.4, "epochs");
    run(&l, NULL, SET("epochs=0"));
    expect(&l, "no-training", 1.0, "epochs");
    run(&l, NULL, SET("epochs=2"));
    ck_assert_uint_eq(l.r.n, 0); /* without data, updates are not counted */
    /* 160 rows / batch 32 = 5 steps per epoch. */
    static const struct {
        const char *epochs;
        double conf;
    } cases[] = {{"epochs=9", 0.8}, {"epochs=10", 0.6}, {"epochs=29", 0.6},
                 {"epochs=30", 0.4}, {"epochs=59", 0.4}, {"epochs=60", -1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run(&l, &d.d, SET(cases[i].epochs, "lr=0.01"));
        expect(&l, "too-few-updates", cases[i].conf, "batch_size");
    }
    /* Adam's reach: lr x updates. */
    run(&l, &d.d, SET("epochs=60", "lr=0.0008")); /* 300 x 0.0008 = 0.24 */
    expect(&l, "weights-barely-move", -1, NULL);
    run(&l, &d.d, SET("epochs=60", "lr=0.00016")); /* 0.048 */
    expect(&l, "weights-barely-move", 0.7, "lr");
    run(&l, &d.d, SET("epochs=60", "lr=0.0000333")); /* 0.00999 */
    expect(&l, "weights-barely-move", 0.85, "lr");
    run(&l, &d.d, SET("epochs=60", "lr=0.00016", "optimizer=sgd"));
    expect(&l, "weights-barely-move", -1, NULL); /* SGD's step scales with the gradient */
    /* Batches against rows. */
    run(&l, &d.d, SET("batch_size=160", "epochs=400"));
    expect(&l, "batch-size-exceeds-rows", 0.6, "batch_size");
    run(&l, &d.d, SET("batch_size=159", "epochs=400"));
    expect(&l, "batch-size-exceeds-rows", -1, NULL);
    run(&l, &d.d, SET("batch_size=0"));
    expect(&l, "batch-size-invalid", 1.0, "batch_size");
    data_free(&d);
    data_make(&d, 1000, DNNR_TARGET_ONE_HOT, 3, 3);
    run(&l, &d.d, SET("batch_size=1", "epochs=1"));
    expect(&l, "batch-size-one", 0.3, "batch_size");
    d.d.n_train = 999;
    run(&l, &d.d, SET("batch_size=1", "epochs=1"));
    expect(&l, "batch-size-one", -1, NULL);
    data_free(&d);
    close_linted(&l);
}
END_TEST

START_TEST(one_layer_regression_reach)
{
    static const char *text =
        "id = \"line\";\ntask = \"regression\";\n"
        "metric = { name = \"mae\"; direction = \"min\"; };\n"
        "dataset = { loader = \"synthetic\"; generator = \"d7\"; };\n"
        "space = ( { name = \"lr\"; type = \"float\"; lo = 1e-6; hi = 10.0; } );\n"
        "faulty = { lr = 0.001; };\n"
        "model = ( { type = \"dense\"; units = 1; } );\n"
        "training = { loss = \"mse\"; optimizer = \"rmsprop\"; lr = \"$lr\"; batch_size = 10; epochs = 10; };\n";
    linted l;
    open_subject(&l, text);
    toy_data d;
    data_make(&d, 100, DNNR_TARGET_REAL, 1, 0);
    for (int r = 0; r < 100; r++) {
        for (int i = 0; i < 4; i++)
            d.x[r * 4 + i] = 0.25f; /* sum |x| = 1 */
        d.y[r] = 8.0f;
    }
    /* 100 updates: reach = lr x 100, span = reach x (1 + 1). */
    run(&l, &d.d, SET("lr=0.01")); /* span 2: ratio 4 */
    expect(&l, "step-budget-too-small", 0.75, "lr");
    run(&l, &d.d, SET("lr=0.02")); /* ratio 2 */
    expect(&l, "step-budget-too-small", 0.6, "lr"); /* epochs and batch_size are literals here */
    run(&l, &d.d, SET("lr=0.021")); /* ratio 1.9 */
    expect(&l, "step-budget-too-small", -1, NULL);
    data_free(&d);
    close_linted(&l);
}
END_TEST

START_TEST(dropout_and_regularisers)
{
    linted l;
    toy(&l, "classification");
    run(&l, NULL, SET("rate=0.79"));
    expect(&l, "dropout-rate", -1, NULL);
    run(&l, NULL, SET("rate=0.8"));
    expect(&l, "dropout-rate", 0.45, "rate");
    run(&l, NULL, SET("rate=0.9"));
    expect(&l, "dropout-rate", 0.7, "rate");
    /* L1 on 4 x hunits glorot_uniform weights; the scale is log(3). */
    toy_data d;
    data_make(&d, 300, DNNR_TARGET_ONE_HOT, 3, 3);
    run(&l, NULL, SET("reg=l1"));
    expect(&l, "strong-regularizer", 0.3, "reg"); /* first layer: size unknown without data */
    run(&l, &d.d, SET("reg=l1"));
    expect(&l, "strong-regularizer", -1, NULL); /* 32 weights: penalty ~0.11 */
    d.d.shape[0] = 10000; /* no rows: only the shape is read */
    d.d.n_train = 0;
    run(&l, &d.d, SET("reg=l1", "hunits=512"));
    expect(&l, "strong-regularizer", 0.75, "reg");
    run(&l, &d.d, SET("reg=l2", "hunits=512")); /* 0.01 x 5.12M x 1.9e-4 = 9.7: 8.9x */
    expect(&l, "strong-regularizer", 0.45, "reg");
    run(&l, &d.d, SET("reg=l1", "hunits=20")); /* 0.01 x 200k x 0.0122 = 24.5: 22x log(3) */
    expect(&l, "strong-regularizer", 0.75, "reg");
    run(&l, &d.d, SET("reg=l1", "hunits=2")); /* 2.2x */
    expect(&l, "strong-regularizer", 0.45, "reg");
    d.d.shape[0] = 8000;
    run(&l, &d.d, SET("reg=l1", "hunits=1")); /* 0.01 x 8000 x 0.01369 = 1.095: 0.997x */
    expect(&l, "strong-regularizer", -1, NULL);
    d.d.shape[0] = 8100;
    run(&l, &d.d, SET("reg=l1", "hunits=1")); /* 1.003x */
    expect(&l, "strong-regularizer", 0.45, "reg");
    data_free(&d);
    close_linted(&l);
}
END_TEST

START_TEST(inputs_scale)
{
    linted l;
    toy(&l, "classification");
    toy_data d;
    data_make(&d, 300, DNNR_TARGET_ONE_HOT, 3, 3);
    d.x[17] = 100.0f;
    run(&l, &d.d, NULL);
    expect(&l, "unscaled-inputs", -1, NULL);
    d.x[17] = -999.0f;
    run(&l, &d.d, NULL);
    expect(&l, "unscaled-inputs", 0.35, NULL);
    ck_assert_uint_eq(find(&l, "unscaled-inputs")->n_params, 0);
    data_free(&d);
    close_linted(&l);
}
END_TEST

static const dnnr_param_hint *hint_of(const dnnr_subject *s, const dnnr_lint_hints *h,
                                      const char *name)
{
    int k = dnnr__space_find(s->search_space, name);
    ck_assert_int_ge(k, 0);
    return dnnr__lint_hints_array(h)[k];
}

START_TEST(hints_d1)
{
    linted l;
    open_file(&l, SUBJECTS "D1.cfg");
    dnnr_lint_hints *h = NULL;
    ck_assert_int_eq(dnnr__lint_hints_make(l.s, l.t, NULL, &h, &l.err), DNNR_OK);
    const dnnr_param_hint *act3 = hint_of(l.s, h, "act3");
    ck_assert_uint_eq(act3->struct_size, sizeof *act3);
    ck_assert_str_eq(act3->role, "activation");
    ck_assert_msg(strstr(act3->reasons, "softmax-single-unit"), "%s", act3->reasons);
    for (uint32_t p = 0; p < l.s->search_space->n_params; p++) {
        const dnnr_param_hint *hp = dnnr__lint_hints_array(h)[p];
        ck_assert(hp->role && hp->reasons);
        if (hp != act3)
            ck_assert_msg(hp->suspicion < act3->suspicion, "%s", l.s->search_space->params[p]->name);
    }
    ck_assert_str_eq(hint_of(l.s, h, "lr")->role, "lr");
    ck_assert_str_eq(hint_of(l.s, h, "layer2")->role, "layers");
    ck_assert_str_eq(hint_of(l.s, h, "batch_size")->role, "batch_size");
    ck_assert_str_eq(hint_of(l.s, h, "ki1")->role, "kernel_initializer");
    ck_assert_str_eq(hint_of(l.s, h, "bi1")->role, "bias_initializer");
    ck_assert_str_eq(hint_of(l.s, h, "loss")->role, "loss");
    ck_assert_str_eq(hint_of(l.s, h, "lr")->reasons, "");
    ck_assert(hint_of(l.s, h, "lr")->suspicion == 0.0);
    dnnr__lint_hints_free(h);
    close_linted(&l);
}
END_TEST

START_TEST(hints_m2_and_roles)
{
    linted l;
    open_file(&l, SUBJECTS "M2.cfg");
    dnnr_lint_hints *h = NULL;
    ck_assert_int_eq(dnnr__lint_hints_make(l.s, l.t, NULL, &h, &l.err), DNNR_OK);
    const dnnr_param_hint *ki1 = hint_of(l.s, h, "ki1");
    ck_assert_str_eq(ki1->role, "kernel_initializer");
    ck_assert(ki1->suspicion >= 0.85);
    ck_assert_str_eq(ki1->reasons, "constant-kernel-init");
    ck_assert(hint_of(l.s, h, "ki2")->suspicion == 0.0);
    ck_assert_str_eq(hint_of(l.s, h, "unit1")->role, "units");
    dnnr__lint_hints_free(h);
    close_linted(&l);
    open_file(&l, SUBJECTS "D7.cfg"); /* unit1 is in the space but not in the model */
    ck_assert_str_eq(dnnr__lint_param_role(l.t, "unit1"), "unused");
    ck_assert_str_eq(dnnr__lint_param_role(l.t, "act1"), "activation");
    close_linted(&l);
    toy(&l, "classification");
    ck_assert_str_eq(dnnr__lint_param_role(l.t, "rate"), "rate");
    ck_assert_str_eq(dnnr__lint_param_role(l.t, "reg"), "regularizer");
    ck_assert_str_eq(dnnr__lint_param_role(l.t, "hunits"), "units");
    close_linted(&l);
}
END_TEST

/* The benchmark without its data sets: each fix is free of findings at
 * confidence 0.5 or more, and the faults that need no data are found. */
START_TEST(benchmark_without_data)
{
    static const char *const ids[] = {"C1", "C2", "C3", "D1", "D2", "D3", "D4", "D5", "D6", "D7",
                                      "D8", "D9", "M1", "M2", "M3", "R1", "R2", "R3", "R4", "R5",
                                      "R6", "R7", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8"};
    static const struct {
        const char *id, *rule, *param;
    } found[] = {
        {"C1", "hard-sigmoid-hidden", "act2"}, {"C2", "single-epoch", "epochs"},
        {"C3", "constant-kernel-init", "ki2"},  {"D1", "softmax-single-unit", "act3"},
        {"D3", "regression-loss-for-classifier", "loss"}, {"D4", "lr-out-of-range", "lr"},
        {"D4", "unbounded-output-classifier", "act2"}, {"D9", "linear-hidden-layer", "act1"},
        {"M1", "lr-out-of-range", "lr"},        {"M2", "constant-kernel-init", "ki1"},
        {"M3", "unbounded-output-classifier", "act4"}, {"R2", "signed-output-classifier", "act2"},
        {"R3", "lr-out-of-range", "lr"},        {"R4", "hinge-on-probabilities", "loss"},
        {"R5", "lr-out-of-range", "optimizer"}, {"R6", "constant-kernel-init", "ki1"},
        {"R7", "unbounded-output-classifier", "act2"}, {"U3", "exponential-hidden", "act2"},
        {"U4", "single-epoch", "epochs"},       {"U5", "lr-out-of-range", "lr"},
        {"U7", "lr-out-of-range", "optimizer"}, {"U8", "constant-kernel-init", "ki2"},
        {"U1", "bounded-output-regression", "act4"}, {"U6", "log-loss-negative-targets", "loss"},
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, SUBJECTS "%s.cfg", ids[i]);
        linted l;
        open_file(&l, path);
        ck_assert_int_eq(dnnr__lint_run(l.s, l.t, NULL, l.s->fix, &l.r, &l.err), DNNR_OK);
        char all[2048];
        dump(&l, all, sizeof all);
        for (size_t f = 0; f < l.r.n; f++)
            ck_assert_msg(l.r.findings[f].confidence < 0.5, "%s fix: %s", ids[i], all);
        run(&l, NULL, NULL);
        dump(&l, all, sizeof all);
        for (size_t k = 0; k < sizeof found / sizeof found[0]; k++)
            if (!strcmp(found[k].id, ids[i]))
                ck_assert_msg(names(find(&l, found[k].rule), found[k].param), "%s faulty: %s", ids[i],
                              all);
        close_linted(&l);
    }
}
END_TEST

START_TEST(out_of_memory)
{
    linted l;
    toy(&l, "classification");
    toy_data d;
    data_make(&d, 160, DNNR_TARGET_ONE_HOT, 3, 3);
    uint32_t n = l.s->space->n_params;
    dnnr_value *config = dnnr__alloc(n, sizeof *config);
    memcpy(config, l.s->faulty, n * sizeof *config);
    /* Many findings at once: the report grows past its first allocation. */
    const char *const set[] = {"act=linear", "hact=exponential", "ki=zeros", "bi=orthogonal",
                               "lr=50", "epochs=1", "rate=0.95", "batch_size=500", "loss=hinge"};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        ck_assert_int_eq(dnnr__config_assign(l.s->space, config, set[i], &l.err), DNNR_OK);
    for (int pass = 0;; pass++) {
        dnnr_lint_report r;
        dnnr__alloc_fault(pass, 0);
        int rc = dnnr__lint_run(l.s, l.t, &d.d, config, &r, &l.err);
        int injected = dnnr__alloc_fault(-1, 0);
        if (rc == DNNR_OK) {
            ck_assert_uint_ge(r.n, 8);
            dnnr__lint_report_clear(&r);
            break;
        }
        ck_assert_int_eq(injected, 1);
        ck_assert_int_eq(rc, DNNR_ENOMEM);
        ck_assert_uint_eq(r.n, 0);
        dnnr__lint_report_clear(&r);
    }
    for (int pass = 0;; pass++) {
        dnnr_lint_hints *h = NULL;
        dnnr__alloc_fault(pass, 0);
        int rc = dnnr__lint_hints_make(l.s, l.t, &d.d, &h, &l.err);
        int injected = dnnr__alloc_fault(-1, 0);
        if (rc == DNNR_OK) {
            dnnr__lint_hints_free(h);
            break;
        }
        ck_assert_int_eq(injected, 1);
        ck_assert_int_eq(rc, DNNR_ENOMEM);
        ck_assert_ptr_null(h);
    }
    dnnr__free(config);
    data_free(&d);
    close_linted(&l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lint");
    TCase *tc = tcase_create("rules");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, template_fields);
    tcase_add_test(tc, resolved_layers_know_their_template_layer);
    tcase_add_test(tc, softmax_single_unit);
    tcase_add_test(tc, literal_faults_name_no_parameter);
    tcase_add_test(tc, output_activation_and_loss);
    tcase_add_test(tc, labels_against_loss);
    tcase_add_test(tc, regression_outputs);
    tcase_add_test(tc, kernel_initialisers);
    tcase_add_test(tc, hidden_activations);
    tcase_add_test(tc, pooling_between_linear_convs);
    tcase_add_test(tc, learning_rates);
    tcase_add_test(tc, epochs_and_updates);
    tcase_add_test(tc, one_layer_regression_reach);
    tcase_add_test(tc, dropout_and_regularisers);
    tcase_add_test(tc, inputs_scale);
    suite_add_tcase(s, tc);
    TCase *th = tcase_create("hints");
    tcase_set_timeout(th, 60);
    tcase_add_test(th, hints_d1);
    tcase_add_test(th, hints_m2_and_roles);
    tcase_add_test(th, benchmark_without_data);
    tcase_add_test(th, out_of_memory);
    suite_add_tcase(s, th);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
