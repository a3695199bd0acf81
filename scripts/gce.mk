# scripts/gce.mk: stages solo5-gce, the Google Compute Engine deployment script.

ALL += $(BIN)/solo5-gce

$(BIN)/solo5-gce: scripts/solo5-gce
	@mkdir -p $(dir $@)
	$(Q)install -m 755 $< $@
