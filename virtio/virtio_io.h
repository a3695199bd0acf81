/* virtio_io.h: results the virtio drivers return to their platform. */

#ifndef VIRTIO_IO_H_INCLUDED
#define VIRTIO_IO_H_INCLUDED

enum vio_result {
    VIO_OK = 0,
    VIO_AGAIN,  /* nothing to do now */
    VIO_EINVAL, /* bad argument; nothing done */
    VIO_EIO     /* the device failed the request */
};

#endif /* VIRTIO_IO_H_INCLUDED */
