cat <<A; cat <<"B"
a
A
b
B
X=$(cat <<EOF
hello
EOF
)
