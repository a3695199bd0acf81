# virtio/virtio.mk: the virtio target: drivers (virtio/) and binding
# (bindings/virtio/), linked into one relocatable object with the common
# bindings, plus its linker script.

VIRTIO_TARGET := virtio

VIRTIO_DRIVER_SRCS := virtio/virtq.c virtio/virtio_pci.c \
	virtio/virtio_pci_legacy.c virtio/virtio_pci_modern.c \
	virtio/virtio_net.c virtio/virtio_blk.c virtio/virtio_scsi.c
VIRTIO_BINDING_SRCS := bindings/virtio/boot.S bindings/virtio/boot_tables.S \
	bindings/virtio/start.c bindings/virtio/multiboot.c \
	bindings/virtio/mem.c bindings/virtio/tss.c bindings/virtio/serial.c \
	bindings/virtio/pagetables.c bindings/virtio/cpl0.c \
	bindings/virtio/intr.c bindings/virtio/clock.c bindings/virtio/pci.c \
	bindings/virtio/vplat.c bindings/virtio/devices.c \
	bindings/virtio/acpi.c bindings/virtio/exit.c bindings/virtio/platform.c
VIRTIO_OBJS := $(patsubst %,$(OBJ)/guest/%.o,$(basename $(VIRTIO_DRIVER_SRCS) $(VIRTIO_BINDING_SRCS)))

# The binding includes the drivers' headers. The drivers see only their own
# folder: virtio_platform.h is all they may know of the binding, and the
# compiler holds them to it.
$(OBJ)/guest/bindings/virtio/%: GUEST_INC = -Iinclude -Ibindings \
	-Ibindings/virtio -Ivirtio
$(OBJ)/guest/virtio/%: GUEST_INC = -Ivirtio

ALL += $(LIBDIR)/solo5_virtio.o $(LIBDIR)/solo5_virtio.lds

# Exported besides the API: the entry point, and the binding's own
# landmarks its self-tests aim at through weak references: the TSC stamp
# boot.S takes at the first instruction (tests/virtio-boottime, the
# boot-time benchmark) and the CPL0 structures tests/virtio-cpl0 tries to
# reach from CPL3. All in the virtio_ namespace, so no application name
# clashes with them; the guest's own addresses, so nothing is revealed.
VIRTIO_EXPORTS := _start32 virtio_boot_tsc virtio_idt virtio_gdt virtio_tss \
	virtio_boot_pml4 virtio_cpl0_stack_top virtio_cpl0_call \
	virtio_cpl0_setup_done virtio_trap_stubs
$(LIBDIR)/solo5_virtio.o: $(BINDINGS_COMMON_OBJS) $(BINDINGS_TRAP_OBJS) $(VIRTIO_OBJS) $(BINDINGS_EXPORTS) virtio/virtio.mk bindings/Makefile.inc
	$(call bindings_link,$(VIRTIO_EXPORTS))

$(LIBDIR)/solo5_virtio.lds: bindings/virtio/virtio.lds
	@mkdir -p $(dir $@)
	cp $< $@
