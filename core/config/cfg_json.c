#include "config/cfg_json.h"

#include "util/json.h"

void dnnr__cfg_to_json(dnnr_buf *b, const config_setting_t *s)
{
    if (!s) {
        dnnr__buf_put(b, "null", 4);
        return;
    }
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_GROUP:
    case CONFIG_TYPE_ARRAY:
    case CONFIG_TYPE_LIST: {
        int group = config_setting_type(s) == CONFIG_TYPE_GROUP;
        dnnr__buf_put(b, group ? "{" : "[", 1);
        for (int i = 0; i < config_setting_length(s); i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            if (i)
                dnnr__buf_put(b, ",", 1);
            if (group)
                dnnr__json_key(b, config_setting_name(e));
            dnnr__cfg_to_json(b, e);
        }
        dnnr__buf_put(b, group ? "}" : "]", 1);
        break;
    }
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        dnnr__json_number(b, (double)config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT:
        dnnr__json_number(b, config_setting_get_float(s));
        break;
    case CONFIG_TYPE_BOOL:
        dnnr__buf_printf(b, "%s", config_setting_get_bool(s) ? "true" : "false");
        break;
    case CONFIG_TYPE_STRING:
        dnnr__json_string(b, config_setting_get_string(s));
        break;
    default:
        dnnr__buf_put(b, "null", 4);
    }
}
