print("iexec")
