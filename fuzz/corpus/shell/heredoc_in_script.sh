cat <<EOF > /etc/apt/apt.conf.d/99norecommends
APT::Install-Recommends "false";
EOF
cat <<-'END' | tee /x
	body $(not run)
	END
apt-get update
