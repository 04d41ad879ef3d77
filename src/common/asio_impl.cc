// The one translation unit that compiles Asio and Beast (separate compilation, DESIGN §4).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
