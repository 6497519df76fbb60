/*
 * tristate.h - libvirt's virTristateBool and virTristateSwitch, one enum for
 * both models (host and domain capabilities).
 */
#ifndef VC_MODEL_TRISTATE_H
#define VC_MODEL_TRISTATE_H

/* Index 0 means "not said"; YES prints "yes" for booleans and "on" for
 * switches, NO "no" and "off" (the name tables say which). */
typedef enum {
    VC_TRISTATE_ABSENT,
    VC_TRISTATE_YES,
    VC_TRISTATE_NO,
} VcTristate;

#endif
