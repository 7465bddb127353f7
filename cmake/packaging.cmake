# Debian packages (CPack): ledsager-kiosk and ledsager-hub, each with its systemd unit, its
# system user (postinst) and its configuration as conffiles. `cpack -G DEB` in a build tree
# makes both; Depends comes from dpkg-shlibdeps plus the runtime packages listed here.
install(TARGETS ledsager-kiosk RUNTIME DESTINATION bin COMPONENT kiosk)
install(DIRECTORY assets/ DESTINATION share/ledsager/assets COMPONENT kiosk)
install(DIRECTORY po/ DESTINATION share/ledsager/po COMPONENT kiosk FILES_MATCHING PATTERN "*.po")
install(FILES config/kiosk.toml DESTINATION /etc/ledsager COMPONENT kiosk)
install(FILES deploy/systemd/ledsager-kiosk.service DESTINATION /lib/systemd/system COMPONENT kiosk)
install(FILES README.md deploy/video-calls.md deploy/provisioning.md deploy/apt-repository.md deploy/content-updates.md deploy/edge.md
        DESTINATION share/doc/ledsager-kiosk COMPONENT kiosk)

install(TARGETS ledsager-hub RUNTIME DESTINATION bin COMPONENT hub)
install(DIRECTORY hub/web/ DESTINATION share/ledsager-hub/web COMPONENT hub)
install(DIRECTORY assets/guides/ DESTINATION share/ledsager-hub/guides COMPONENT hub)
install(FILES deploy/systemd/ledsager-hub.service DESTINATION /lib/systemd/system COMPONENT hub)
install(FILES deploy/systemd/ledsager-hub.default DESTINATION /etc/default RENAME ledsager-hub COMPONENT hub)
# The production edge: nginx in front of the hub (deploy/edge.md). Shipped, not enabled.
install(FILES deploy/nginx/ledsager-hub.conf DESTINATION /etc/nginx/sites-available RENAME ledsager-hub COMPONENT hub)
install(FILES README.md hub/openapi.yaml deploy/video-calls.md deploy/provisioning.md deploy/apt-repository.md deploy/content-updates.md
              deploy/edge.md DESTINATION share/doc/ledsager-hub COMPONENT hub)

set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk hub)
set(CPACK_PACKAGE_NAME ledsager)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Ledsager maintainers <ledsager@kommune.example.dk>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Ledsager: guided digital self-service for citizens, with a person one tap away")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME ledsager-kiosk)
set(CPACK_DEBIAN_HUB_PACKAGE_NAME ledsager-hub)
set(CPACK_DEBIAN_KIOSK_DESCRIPTION "Ledsager kiosk: the citizen's screen (runs in the cage kiosk compositor)")
set(CPACK_DEBIAN_HUB_DESCRIPTION "Ledsager hub: help requests, video-call signaling, staff, caseworker and IT consoles")
set(CPACK_DEBIAN_KIOSK_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_HUB_PACKAGE_SHLIBDEPS ON)
# libcurl4 by name: the kiosk loads it at its first exchange with the hub (dlopen), so
# dpkg-shlibdeps cannot see it.
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS
    "adduser, libcurl4, procps, cage, xwayland, fonts-noto-core, fonts-font-awesome, espeak-ng-data, gstreamer1.0-plugins-base, gstreamer1.0-plugins-good, gstreamer1.0-plugins-bad, gstreamer1.0-nice")
# fonts-font-awesome: the content studio shows icons in the kiosk's own icon font (web/fonts/icons.woff2 links to it).
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS "adduser, fonts-font-awesome")
# nginx in front (deploy/nginx/ledsager-hub.conf, deploy/edge.md): recommended rather than
# required, for a site that puts its own TLS proxy with the same bounds in front instead.
# ledsager-kiosk draws the content studio's previews (--preview-kiosk); installing it starts
# no kiosk on the hub's machine (its postinst enables nothing).
set(CPACK_DEBIAN_HUB_PACKAGE_RECOMMENDS "nginx, ledsager-kiosk")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
    "${CMAKE_SOURCE_DIR}/deploy/debian/kiosk/postinst;${CMAKE_SOURCE_DIR}/deploy/debian/kiosk/conffiles")
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_EXTRA
    "${CMAKE_SOURCE_DIR}/deploy/debian/hub/postinst;${CMAKE_SOURCE_DIR}/deploy/debian/hub/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
