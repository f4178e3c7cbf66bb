/* SPDX-License-Identifier: MIT */
/* Device types, instances, text properties, realize and reset. */
#include "machina/device.h"
#include "machina/chardev.h"
#include "machina/log.h"
#include "machina/options.h"
#include <inttypes.h>
#include <stdlib.h>

static DeviceType *device_types;
static DeviceState *devices;        /* creation order */

void device_type_register(DeviceType *t)
{
    DeviceType **pp = &device_types;

    while (*pp) {
        pp = &(*pp)->next;
    }
    t->next = NULL;
    *pp = t;
}

const DeviceType *device_type_find(const char *name)
{
    for (DeviceType *t = device_types; t; t = t->next) {
        if (!strcmp(t->name, name)) {
            return t;
        }
    }
    return NULL;
}

void device_type_print_list(FILE *f)
{
    for (DeviceType *t = device_types; t; t = t->next) {
        if (t->user_creatable) {
            fprintf(f, "name \"%s\"%s%s%s\n", t->name,
                    t->desc ? ", desc \"" : "", t->desc ? t->desc : "",
                    t->desc ? "\"" : "");
        }
    }
}

static void *prop_ptr(DeviceState *dev, const Property *p)
{
    return (char *)dev + p->offset;
}

static void prop_set_default(DeviceState *dev, const Property *p)
{
    void *ptr = prop_ptr(dev, p);

    switch (p->type) {
    case PROP_BOOL:
        *(bool *)ptr = p->defval != 0;
        break;
    case PROP_UINT32:
        *(uint32_t *)ptr = (uint32_t)p->defval;
        break;
    case PROP_UINT64:
    case PROP_SIZE:
        *(uint64_t *)ptr = p->defval;
        break;
    case PROP_STRING:
        *(char **)ptr = p->defstr ? mc_strdup(p->defstr) : NULL;
        break;
    case PROP_CHARDEV:
        *(Chardev **)ptr = NULL;
        break;
    }
}

DeviceState *device_new(const char *type_name)
{
    const DeviceType *t = device_type_find(type_name);
    DeviceState *dev, **pp;

    if (!t) {
        error_report("'%s' is not a valid device model name", type_name);
        return NULL;
    }
    if (t->instance_size < sizeof(DeviceState)) {
        error_report("device type '%s' has a bad instance size", t->name);
        return NULL;
    }
    dev = mc_malloc0(t->instance_size);
    dev->type = t;
    for (const Property *p = t->props; p && p->name; p++) {
        prop_set_default(dev, p);
    }
    for (pp = &devices; *pp; pp = &(*pp)->next) {
        /* append */
    }
    *pp = dev;
    return dev;
}

static const Property *prop_find(const DeviceType *t, const char *name)
{
    for (const Property *p = t->props; p && p->name; p++) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    return NULL;
}

int device_set_prop(DeviceState *dev, const char *name, const char *value)
{
    const Property *p;
    void *ptr;
    uint64_t v;
    bool b;

    if (!strcmp(name, "id")) {
        free(dev->id);
        dev->id = mc_strdup(value);
        return 0;
    }
    p = prop_find(dev->type, name);
    if (!p) {
        error_report("%s: property '%s' not found", dev->type->name, name);
        return -1;
    }
    if (dev->realized) {
        error_report("%s: property '%s' cannot be set after realize",
                     dev->type->name, name);
        return -1;
    }
    ptr = prop_ptr(dev, p);
    switch (p->type) {
    case PROP_BOOL:
        if (parse_bool(value, &b) < 0) {
            goto bad;
        }
        *(bool *)ptr = b;
        break;
    case PROP_UINT32:
        if (parse_uint(value, &v) < 0 || v > UINT32_MAX) {
            goto bad;
        }
        *(uint32_t *)ptr = (uint32_t)v;
        break;
    case PROP_UINT64:
        if (parse_uint(value, &v) < 0) {
            goto bad;
        }
        *(uint64_t *)ptr = v;
        break;
    case PROP_SIZE:
        if (parse_size(value, 1, &v) < 0) {
            goto bad;
        }
        *(uint64_t *)ptr = v;
        break;
    case PROP_STRING:
        free(*(char **)ptr);
        *(char **)ptr = mc_strdup(value);
        break;
    case PROP_CHARDEV: {
        Chardev *chr = chardev_find(value);
        if (!chr) {
            error_report("%s: property '%s': chardev '%s' not found",
                         dev->type->name, name, value);
            return -1;
        }
        *(Chardev **)ptr = chr;
        break;
    }
    }
    return 0;
bad:
    error_report("%s: property '%s': invalid value '%s'", dev->type->name,
                 name, value);
    return -1;
}

int device_realize(DeviceState *dev)
{
    if (dev->realized) {
        return 0;
    }
    if (dev->type->realize && dev->type->realize(dev) < 0) {
        return -1;
    }
    dev->realized = true;
    return 0;
}

void devices_reset_all(void)
{
    for (DeviceState *d = devices; d; d = d->next) {
        if (d->realized && d->type->reset) {
            d->type->reset(d);
        }
    }
}

static void print_prop(FILE *f, DeviceState *dev, const Property *p)
{
    void *ptr = prop_ptr(dev, p);

    fprintf(f, "    %s = ", p->name);
    switch (p->type) {
    case PROP_BOOL:
        fprintf(f, "%s\n", *(bool *)ptr ? "true" : "false");
        break;
    case PROP_UINT32:
        fprintf(f, "%" PRIu32 " (0x%" PRIx32 ")\n", *(uint32_t *)ptr,
                *(uint32_t *)ptr);
        break;
    case PROP_UINT64:
    case PROP_SIZE:
        fprintf(f, "%" PRIu64 " (0x%" PRIx64 ")\n", *(uint64_t *)ptr,
                *(uint64_t *)ptr);
        break;
    case PROP_STRING:
        fprintf(f, "\"%s\"\n", *(char **)ptr ? *(char **)ptr : "");
        break;
    case PROP_CHARDEV: {
        Chardev *chr = *(Chardev **)ptr;
        fprintf(f, "\"%s\"\n", chr && chr->id ? chr->id : "");
        break;
    }
    }
}

void devices_print_tree(FILE *f)
{
    fprintf(f, "bus: main-system-bus\n  type System\n");
    for (DeviceState *d = devices; d; d = d->next) {
        fprintf(f, "  dev: %s, id \"%s\"%s\n", d->type->name,
                d->id ? d->id : "", d->realized ? "" : " (unrealized)");
        for (const Property *p = d->type->props; p && p->name; p++) {
            print_prop(f, d, p);
        }
    }
}
