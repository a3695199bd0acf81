# scripts/virtio-run.mk: stage solo5-virtio-run into build/bin.
ALL += $(BIN)/solo5-virtio-run

$(BIN)/solo5-virtio-run: scripts/solo5-virtio-run
	@mkdir -p $(dir $@)
	cp $< $@ && chmod +x $@
