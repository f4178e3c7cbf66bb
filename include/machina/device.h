/* SPDX-License-Identifier: MIT */
/*
 * Device objects: a static type description (name, state size, properties,
 * realize, reset) registered at start-up, instances created by machines or
 * by -device.  No class hierarchy.
 */
#ifndef MACHINA_DEVICE_H
#define MACHINA_DEVICE_H

#include "machina/common.h"
#include <stdio.h>

typedef struct DeviceState DeviceState;
typedef struct DeviceType DeviceType;

typedef enum PropType {
    PROP_BOOL,
    PROP_UINT32,
    PROP_UINT64,
    PROP_SIZE,      /* accepts k/M/G suffixes */
    PROP_STRING,
    PROP_CHARDEV,   /* chardev id -> Chardev * */
} PropType;

typedef struct Property {
    const char *name;
    PropType type;
    size_t offset;          /* into the device state struct */
    uint64_t defval;        /* default for numeric/bool types */
    const char *defstr;     /* default for strings */
} Property;

#define DEFINE_PROP(_name, _state, _field, _type, _def) \
    { .name = (_name), .type = (_type),                 \
      .offset = offsetof(_state, _field), .defval = (_def) }

struct DeviceType {
    const char *name;
    const char *desc;
    size_t instance_size;       /* state struct starts with DeviceState */
    const Property *props;      /* terminated by { .name = NULL } */
    /* Returns 0 or -1 after printing an error naming the problem. */
    int (*realize)(DeviceState *dev);
    void (*reset)(DeviceState *dev);
    bool user_creatable;        /* may be named by -device */
    DeviceType *next;
};

struct DeviceState {
    const DeviceType *type;
    char *id;
    bool realized;
    DeviceState *next;          /* in the global list, creation order */
};

void device_type_register(DeviceType *t);
#define DEVICE_TYPE_REGISTER(t) \
    static void __attribute__((constructor)) register_##t(void) \
    { device_type_register(&(t)); }

const DeviceType *device_type_find(const char *name);
void device_type_print_list(FILE *f);

/* Allocate a zeroed state of the type, set property defaults. */
DeviceState *device_new(const char *type_name);
/* Set a property from its text form; returns 0 or -1 with message. */
int device_set_prop(DeviceState *dev, const char *name, const char *value);
int device_realize(DeviceState *dev);
/* Reset every realized device in creation order. */
void devices_reset_all(void);
/* info qtree */
void devices_print_tree(FILE *f);

#endif
